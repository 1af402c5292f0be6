import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { DatasetUploadResponse } from '@kaml-d/plugin-kaml-d-common';

/** A request to register data already in storage as a Dataset. */
export interface DatasetRegistrationRequest {
  /** Entity name of the dataset. */
  name: string;
  /** `s3://<upload bucket>/<folder>/`: a folder directly in the bucket datasets are discovered in. */
  location: string;
  format?: string;
  owner?: string;
  description?: string;
  tags?: string[];
  system?: string;
  lifecycle?: string;
}

/**
 * Registers folders already in object storage as Datasets: the Dataset entity is written as
 * `catalog-info.yaml` beside the data (nothing is copied) and announced on `kaml-d.datasets`,
 * the same way an upload is, so the catalog module's object-store provider registers it.
 */
export interface DatasetRegistrationService {
  register(
    request: DatasetRegistrationRequest,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<DatasetUploadResponse>;
}
