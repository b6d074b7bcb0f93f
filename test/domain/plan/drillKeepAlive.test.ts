import { validatePlan } from '../../../src/domain/plan';
import { samplePlan } from '../../fixtures/plan';

describe("a plan's drillKeepAliveMinutes", () => {
  it.each([0, 60, 10_080])('accepts %p whole minutes', (drillKeepAliveMinutes) => {
    expect(validatePlan({ ...samplePlan, drillKeepAliveMinutes }).ok).toBe(true);
  });

  it.each([-1, 1.5, 10_081, '60'])('refuses %p, naming the field', (drillKeepAliveMinutes) => {
    const validation = validatePlan({ ...samplePlan, drillKeepAliveMinutes });
    expect(validation.ok).toBe(false);
    expect(validation.ok ? [] : validation.issues.map((issue) => issue.path)).toEqual(['drillKeepAliveMinutes']);
  });
});
