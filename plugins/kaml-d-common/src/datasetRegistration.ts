/**
 * Body of `POST /api/kaml-d/datasets/register`: registers a folder already in storage as a
 * Dataset; the answer is a `DatasetUploadResponse`.
 *
 * @public
 */
export interface RegisterDatasetRequest {
  /** The Dataset's name: lowercase letters, digits and single `-`, `_`, `.` between them. */
  name: string;
  /** The folder, such as `s3://kaml-datasets/sales-2024/`. */
  location: string;
  format?: string;
  /** Entity reference of the owner; the caller when not given. */
  owner?: string;
  description?: string;
  tags?: string[];
  /** Entity reference of the System (project) the dataset belongs to. */
  system?: string;
  lifecycle?: string;
}
