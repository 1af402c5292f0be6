export {
  EntityTelemetryCard,
  TelemetryButtons,
  TelemetryNotConfigured,
  TELEMETRY_CONFIG_SNIPPET,
} from './TelemetryButtons';
