export { ModelAboutCard } from './ModelAboutCard';
export { ModelTrainedOnCard } from './ModelTrainedOnCard';
export { ModelServingCard } from './ModelServingCard';
export { ModelActionsCard } from './ModelActionsCard';
