import {
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';

type Delta = Extract<EntityProviderMutation, { type: 'delta' }>;

/** A catalog connection that keeps every mutation a provider applies. */
export class RecordingConnection implements EntityProviderConnection {
  readonly mutations: EntityProviderMutation[] = [];
  async applyMutation(mutation: EntityProviderMutation) {
    this.mutations.push(mutation);
  }
  async refresh() {}
  /** Resolves once a delta mutation that `matches` was applied (a state, polled). */
  async delta(matches: (m: Delta) => boolean): Promise<Delta> {
    for (;;) {
      const found = this.mutations.find(
        (m): m is Delta => m.type === 'delta' && matches(m),
      );
      if (found) return found;
      await new Promise(r => setTimeout(r, 20));
    }
  }
}
