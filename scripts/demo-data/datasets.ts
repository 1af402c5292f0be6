// The demo datasets: names, formats and declared columns. One source of truth for the generator,
// the rig's seeding (MinIO buckets, Trino tables) and anyone who wants to know what is there.

/** Column of a tabular dataset; `type` is the SQL type of the typed (Parquet) form. */
export interface DemoColumn {
  name: string;
  type: 'varchar' | 'bigint' | 'integer' | 'double' | 'boolean' | 'date' | 'timestamp';
  description: string;
  classification?: 'pii' | 'sensitive';
}

export interface DemoDataset {
  /** Folder name under the output directory, object prefix in buckets, Trino table name (with `_`). */
  name: string;
  format: 'csv' | 'parquet' | 'jsonl' | 'images' | 'audio';
  description: string;
  tags: string[];
  /** Columns of the tabular files (absent for image/audio sets; those ship a metadata CSV). */
  columns?: DemoColumn[];
}

export const DEMO_DATASETS: DemoDataset[] = [
  {
    name: 'finance-transactions',
    format: 'csv',
    description: 'Card transactions with a fraud label, one CSV file per quarter.',
    tags: ['finance', 'fraud', 'pii', 'tabular'],
    columns: [
      { name: 'transaction_id', type: 'varchar', description: 'Unique transaction id' },
      { name: 'ts', type: 'timestamp', description: 'Authorisation time (UTC)' },
      { name: 'card_holder', type: 'varchar', description: 'Card holder full name', classification: 'pii' },
      { name: 'email', type: 'varchar', description: 'Card holder e-mail', classification: 'pii' },
      { name: 'merchant', type: 'varchar', description: 'Merchant name' },
      { name: 'category', type: 'varchar', description: 'Merchant category' },
      { name: 'amount', type: 'double', description: 'Amount in the transaction currency' },
      { name: 'currency', type: 'varchar', description: 'ISO 4217 currency code' },
      { name: 'country', type: 'varchar', description: 'ISO 3166 country of the merchant' },
      { name: 'is_fraud', type: 'boolean', description: 'Label: confirmed fraud' },
    ],
  },
  {
    name: 'traffic-counts',
    format: 'parquet',
    description: 'Hourly vehicle counts and mean speed per road sensor station.',
    tags: ['traffic', 'time-series', 'forecasting'],
    columns: [
      { name: 'station_id', type: 'varchar', description: 'Sensor station id' },
      { name: 'road', type: 'varchar', description: 'Road name' },
      { name: 'direction', type: 'varchar', description: 'Travel direction' },
      { name: 'hour', type: 'timestamp', description: 'Start of the hour (UTC)' },
      { name: 'vehicles', type: 'integer', description: 'Vehicles counted in the hour' },
      { name: 'heavy_vehicles', type: 'integer', description: 'Trucks and buses counted' },
      { name: 'avg_speed_kmh', type: 'double', description: 'Mean speed in km/h' },
    ],
  },
  {
    name: 'agriculture-yields',
    format: 'parquet',
    description: 'Seasonal crop yields per farm plot with weather and fertiliser inputs.',
    tags: ['agriculture', 'regression', 'tabular'],
    columns: [
      { name: 'plot_id', type: 'varchar', description: 'Farm plot id' },
      { name: 'region', type: 'varchar', description: 'Region' },
      { name: 'crop', type: 'varchar', description: 'Crop' },
      { name: 'season_year', type: 'integer', description: 'Harvest year' },
      { name: 'area_ha', type: 'double', description: 'Plot area in hectares' },
      { name: 'rainfall_mm', type: 'double', description: 'Season rainfall in mm' },
      { name: 'avg_temp_c', type: 'double', description: 'Season mean temperature in °C' },
      { name: 'fertilizer_kg_ha', type: 'double', description: 'Nitrogen fertiliser in kg/ha' },
      { name: 'yield_t_ha', type: 'double', description: 'Yield in tonnes per hectare' },
    ],
  },
  {
    name: 'clickstream-events',
    format: 'jsonl',
    description: 'Web and app clickstream events, one JSON object per line, one file per day.',
    tags: ['events', 'clickstream', 'json'],
    columns: [
      { name: 'event_id', type: 'varchar', description: 'Event id' },
      { name: 'ts', type: 'varchar', description: 'Event time, ISO 8601' },
      { name: 'session_id', type: 'varchar', description: 'Session id' },
      { name: 'user_id', type: 'varchar', description: 'Pseudonymous user id', classification: 'sensitive' },
      { name: 'event_type', type: 'varchar', description: 'page_view, click, add_to_cart, purchase, …' },
      { name: 'page', type: 'varchar', description: 'Page path' },
      { name: 'device', type: 'varchar', description: 'desktop, mobile or tablet' },
      { name: 'country', type: 'varchar', description: 'ISO 3166 country' },
      { name: 'duration_ms', type: 'bigint', description: 'Time on the page in ms' },
    ],
  },
  {
    name: 'fingerprint-images',
    format: 'images',
    description: 'Synthetic grayscale fingerprint images (PNG, 96×96) with subject and finger labels.',
    tags: ['biometrics', 'images', 'pii'],
  },
  {
    name: 'singer-voice-recordings',
    format: 'audio',
    description: "Short synthetic voice clips (WAV, 8 kHz mono) of singers' sustained notes with vibrato.",
    tags: ['audio', 'voice', 'classification'],
  },
  {
    name: 'customer-churn',
    format: 'csv',
    description: 'Telecom customers with contract, usage and a churn label.',
    tags: ['churn', 'classification', 'tabular'],
    columns: [
      { name: 'customer_id', type: 'varchar', description: 'Customer id' },
      { name: 'tenure_months', type: 'integer', description: 'Months as a customer' },
      { name: 'contract', type: 'varchar', description: 'month-to-month, one-year or two-year' },
      { name: 'internet_service', type: 'varchar', description: 'fiber, dsl or none' },
      { name: 'monthly_charges', type: 'double', description: 'Monthly bill' },
      { name: 'total_charges', type: 'double', description: 'Lifetime billed amount' },
      { name: 'support_calls', type: 'integer', description: 'Support calls in the last 6 months' },
      { name: 'churned', type: 'boolean', description: 'Label: left within 30 days' },
    ],
  },
  {
    name: 'weather-observations',
    format: 'csv',
    description: 'Daily weather observations per station for one year.',
    tags: ['weather', 'time-series', 'tabular'],
    columns: [
      { name: 'station', type: 'varchar', description: 'Weather station' },
      { name: 'obs_date', type: 'date', description: 'Observation day' },
      { name: 'temp_min_c', type: 'double', description: 'Minimum temperature °C' },
      { name: 'temp_max_c', type: 'double', description: 'Maximum temperature °C' },
      { name: 'precipitation_mm', type: 'double', description: 'Precipitation mm' },
      { name: 'humidity_pct', type: 'double', description: 'Mean relative humidity %' },
      { name: 'wind_kmh', type: 'double', description: 'Mean wind speed km/h' },
    ],
  },
];

/** Trino/Hive table name of a dataset: `finance-transactions` → `finance_transactions`. */
export function tableName(dataset: string): string {
  return dataset.replace(/-/g, '_');
}
