// Run as a separate process (so its memory is not counted against the parser's): serves the AWS
// region index and an offer file generated on the fly with TYPES instance types — nothing on disk.
// Prints the base URL on its first line. Usage: node offer-server.test-util.ts TYPES
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateOffer } from './aws-offer.test-util.ts';

const types = Number(process.argv[2] ?? '100');
const VERSION = '/offers/v1.0/aws/AmazonEC2/20261130000000/us-east-1/index.json';
let served = 0;
const server = createServer(async (req, res) => {
  if (req.url === '/offers/v1.0/aws/AmazonEC2/current/region_index.json') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ formatVersion: 'v1.0', regions: { 'us-east-1': { regionCode: 'us-east-1', currentVersionUrl: VERSION } } }));
    return;
  }
  if (req.url !== VERSION) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'application/json' });
  for await (const chunk of generateOffer('us-east-1', types)) {
    served += chunk.length;
    if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
  }
  res.end();
  process.stderr.write(`served ${served}\n`);
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
