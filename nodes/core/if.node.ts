import { defineNode, field, NodeError, output } from '@pinksea/node-sdk';

export default defineNode({
  type: 'core.if',
  title: 'If',
  description:
    'Passes on the True value when the condition holds, otherwise the False value. Only the chosen branch runs: nodes that feed only the other one are skipped.',
  category: 'logic',
  tags: ['if', 'branch', 'condition', 'switch', 'choose', 'select', 'logic'],
  version: '1.0.0',
  // Nothing to save: choosing between two values costs less than hashing them for the cache.
  useCache: false,
  inputs: {
    condition: field.boolean({ title: 'Condition', default: false, ui: { order: 0, widget: 'checkbox' } }),
    trueValue: field.any({ title: 'True value', lazy: true, optional: true, ui: { order: 1 } }),
    falseValue: field.any({ title: 'False value', lazy: true, optional: true, ui: { order: 2 } }),
  },
  outputs: {
    value: output.any({ title: 'Value' }),
  },
  selectLazyInputs: (eager) => (eager['condition'] ? ['trueValue'] : ['falseValue']),
  invoke: ({ condition, trueValue, falseValue }) => {
    const chosen = condition ? 'trueValue' : 'falseValue';
    const value = condition ? trueValue : falseValue;
    if (value === undefined) {
      const label = condition ? 'True value' : 'False value';
      throw new NodeError('missing_branch_value', `The condition is ${condition}, but nothing is connected to ${label}`, { field: chosen });
    }
    return { value };
  },
});
