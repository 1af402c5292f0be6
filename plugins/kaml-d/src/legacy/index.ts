export { kamlDLegacyPlugin } from './plugin';
export {
  KamlDWorkbenchPage,
  KamlDSrePage,
  KamlDAuditPage,
  KamlDAccessRequestsPage,
} from './pages';
export {
  EntityKamlDDatasetSchemaContent,
  EntityKamlDDatasetPreviewContent,
  EntityKamlDDatasetProfileContent,
  EntityKamlDDatasetVersionsContent,
  EntityKamlDHealthContent,
  EntityKamlDModelRunsContent,
  EntityKamlDModelDeploymentsContent,
  EntityKamlDModelVersionsContent,
} from './entityContents';
export {
  EntityKamlDDatasetAboutCard,
  EntityKamlDDatasetSchemaCard,
  EntityKamlDDatasetUsedByCard,
  EntityKamlDModelAboutCard,
  EntityKamlDModelActionsCard,
  EntityKamlDModelTrainedOnCard,
  EntityKamlDModelServingCard,
  EntityKamlDNotebooksCard,
} from './entityCards';
export { isKamlDDataset, isKamlDModel } from './conditions';
export { KamlDTrainingRuntimePickerFieldExtension } from './scaffolderFields';
export type { TrainingRuntimeValue } from '../components/TrainingRuntimePicker';
