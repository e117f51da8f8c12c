import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ACCESS_TABLE } from '../src/http/access-table.js';
import { closesServers, testServer } from './support/app.js';

closesServers(test);

const NEW = /^(GET|POST|PATCH|DELETE) \/api\/(templates|campaigns|analytics|files|instance-groups)\b|^PATCH \/api\/instance\/:instanceId$/;

test('templates, campaigns, analytics, files and instance groups are in /openapi.json with the limits they are checked against', async () => {
  const s = await testServer();
  const doc = (await s.json('GET', '/openapi.json')).body;
  const lines = Object.keys(ACCESS_TABLE).filter((line) => NEW.test(line));
  assert.is(lines.length, 17, lines.join('\n'));
  for (const line of lines) {
    const [method, path] = line.split(' ') as [string, string];
    const openapiPath = path.replace(/:(\w+)/g, '{$1}');
    assert.ok(doc.paths[openapiPath]?.[method.toLowerCase()], `${line} is in /openapi.json`);
  }
  const param = (path: string, method: string, name: string) => doc.paths[path][method].parameters.find((p: any) => p.name === name).schema;
  assert.equal(param('/api/analytics', 'get', 'range').enum, ['24h', '7d', '30d', '90d']);
  assert.equal(param('/api/files', 'get', 'type').enum, ['all', 'image', 'video', 'audio', 'document']);
  assert.equal([param('/api/files', 'get', 'limit').minimum, param('/api/files', 'get', 'limit').maximum], [1, 500]);
  const schemas = doc.components.schemas;
  assert.equal([schemas.CreateCampaign.properties.delayMs.minimum, schemas.CreateCampaign.properties.delayMs.maximum], [500, 60000]);
  assert.is(schemas.CreateCampaign.properties.recipients.maxItems, 5000);
  assert.is(schemas.CreateTemplate.properties.title.maxLength, 120);
  assert.equal(schemas.CreateInstanceGroup.properties.color.enum, ['grape', 'peach', 'wagreen', 'sky', 'rose', 'cream']);
  assert.ok(doc.paths['/api/instance/{instanceId}'].delete.requestBody, 'DELETE of an instance documents its scope and includes');
  assert.ok(schemas.CreateBulk.properties.templateId && schemas.CreateScheduled.properties.vars, 'bulk and scheduled take a template and variables');
});

test.run();
