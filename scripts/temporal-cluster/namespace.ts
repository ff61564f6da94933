import { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { PRODUCT_SEARCH_ATTRIBUTES, searchAttributeTypeName } from '../../temporal/search-attributes';
import { CLUSTER_NAMESPACE, NAMESPACE_RETENTION_HOURS, type Log } from './layout';

/**
 * The product's namespace on the cluster: created with the product's retention, its search
 * attributes registered with their types, and ready when a visibility query answers.
 */

/** Namespace and search attributes (with their types), then wait until the namespace serves. */
export async function provisionNamespace(address: string, log: Log): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const svc = connection.workflowService;
    const exists = await svc.describeNamespace({ namespace: CLUSTER_NAMESPACE }).then(
      () => true,
      () => false,
    );
    if (!exists) {
      log(`creating namespace ${CLUSTER_NAMESPACE}`);
      await svc.registerNamespace({
        namespace: CLUSTER_NAMESPACE,
        workflowExecutionRetentionPeriod: msToTs(`${NAMESPACE_RETENTION_HOURS} hours`),
      });
    }
    const { IndexedValueType } = temporal.api.enums.v1;
    const deadline = Date.now() + 120_000;
    for (;;) {
      try {
        const listed = await connection.operatorService.listSearchAttributes({
          namespace: CLUSTER_NAMESPACE,
        });
        const missing = PRODUCT_SEARCH_ATTRIBUTES.filter(
          (key) => !(key.name in (listed.customAttributes ?? {})),
        );
        if (missing.length > 0) {
          log(
            `registering search attributes ${missing.map((k) => `${k.name} (${searchAttributeTypeName(k)})`).join(', ')}`,
          );
          await connection.operatorService.addSearchAttributes({
            namespace: CLUSTER_NAMESPACE,
            searchAttributes: Object.fromEntries(
              missing.map((key) => [
                key.name,
                searchAttributeTypeName(key) === 'KeywordList'
                  ? IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST
                  : IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
              ]),
            ),
          });
          continue;
        }
        // A visibility query goes through the frontend's namespace registry: once it answers, a
        // workflow can start in the namespace.
        await svc.countWorkflowExecutions({
          namespace: CLUSTER_NAMESPACE,
          query: 'BillsbyAccountId="probe"',
        });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  } finally {
    await connection.close();
  }
}
