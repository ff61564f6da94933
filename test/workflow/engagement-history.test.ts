import { SEED_AS_OF, SEED_CREDENTIALS } from '../../simulators/bill';
import { organizationWorkflowId } from '../../workflows/bill/definitions';
import { closeTestConnections } from '../harness/temporal';
import { asReport, startBillEnv, type BillEnv } from './bill-harness';

let env: BillEnv;
beforeAll(async () => {
  env = await startBillEnv();
});
afterAll(async () => {
  await env.close();
  await closeTestConnections();
});

it('a history export of an engagement run and of an organization holds no plaintext email, name or credential', async () => {
  const workflowId = env.newWorkflowId();
  const report = asReport(await env.run({ asOf: SEED_AS_OF, maxOrgs: 5 }, workflowId));
  const contacts = report.organizations.flatMap((o) => o.users);
  expect(contacts.length).toBeGreaterThan(0);
  const organizationId = report.organizations[0]!.organizationId;
  for (const id of [workflowId, organizationWorkflowId(workflowId, organizationId)]) {
    const raw = JSON.stringify(await env.client.workflow.getHandle(id).fetchHistory());
    for (const user of contacts) {
      expect(raw).not.toContain(user.email);
      expect(raw).not.toContain(`${user.firstName} ${user.lastName}`);
      expect(raw).not.toContain(`"${user.lastName}"`);
    }
    // Credentials never enter history at all; sessions travel only inside encrypted payloads.
    expect(raw).not.toContain(SEED_CREDENTIALS.password);
    expect(raw).not.toContain(SEED_CREDENTIALS.devKey);
    expect(raw).not.toMatch(/"sessionId"/);
    expect(raw).not.toContain(report.organizations[0]!.name);
  }
});
