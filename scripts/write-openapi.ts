/**
 * `npm run openapi`: writes docs/openapi.json from the gateway's route descriptions
 * (gateway/api-description.ts). test/unit/openapi.test.ts fails when the committed file
 * differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiText } from '../gateway/api-description';

const file = path.join(__dirname, '..', 'docs', 'openapi.json');
writeFileSync(file, openApiText());
console.log(`wrote ${path.relative(process.cwd(), file)}`);
