import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { Hono } from 'hono';
import bcrypt from 'bcryptjs';
import { accessControl, accessLog } from './access.ts';
import { basicCredentials, basicVerifier, parseBasicUsers } from './basic-auth.ts';
import { memoryLogger } from './log.ts';

const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** A line as `htpasswd -nbB` writes it: the real tool when installed (.ci/run installs apache2-utils). */
function htpasswdLine(user: string, password: string): { line: string; tool: string } {
  try {
    return { line: execFileSync('htpasswd', ['-nbB', '-C', '5', user, password], { encoding: 'utf8' }).trim(), tool: 'htpasswd' };
  } catch {
    return { line: `${user}:${bcrypt.hashSync(password, 5).replace(/^\$2b\$/, '$2y$')}`, tool: 'bcryptjs' };
  }
}

test('parseBasicUsers: htpasswd bcrypt lines; anything else is refused naming file, line and user', () => {
  const alice = htpasswdLine('alice', 'correct horse');
  assert.match(alice.line, /^alice:\$2y\$05\$/, `made by ${alice.tool}`);
  const users = parseBasicUsers(`# users of the cost API\n${alice.line}\n\nbob:${bcrypt.hashSync('pw', 4)}\n`, 'users.htpasswd');
  assert.deepEqual([...users.keys()], ['alice', 'bob']);
  const cases: [string, string][] = [
    ['alice', 'users.htpasswd:1: expected user:bcrypt-hash (make one with htpasswd -nbB USER PASSWORD)'],
    [':$2y$05$MdLOyCGNiYm06FuJXGwOr.AEqi38ojASfLixiNxsLXdpaQP6cYnuO', 'users.htpasswd:1: expected user:bcrypt-hash (make one with htpasswd -nbB USER PASSWORD)'],
    ['carol:plaintext', 'users.htpasswd:1: the password of user "carol" is not a bcrypt hash ($2y$…); plain, MD5, SHA-1 and crypt hashes are refused (use htpasswd -B)'],
    ['dave:$apr1$abcdefgh$0123456789abcdefghijkl', 'users.htpasswd:1: the password of user "dave" is not a bcrypt hash ($2y$…); plain, MD5, SHA-1 and crypt hashes are refused (use htpasswd -B)'],
    ['erin:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=', 'users.htpasswd:1: the password of user "erin" is not a bcrypt hash ($2y$…); plain, MD5, SHA-1 and crypt hashes are refused (use htpasswd -B)'],
    ['frank:$2y$03$MdLOyCGNiYm06FuJXGwOr.AEqi38ojASfLixiNxsLXdpaQP6cYnuO', 'users.htpasswd:1: bcrypt cost 3 of user "frank" is outside 4–31'],
    [`${alice.line}\n${alice.line}`, 'users.htpasswd:2: user "alice" is listed twice'],
    ['# nobody\n', 'users.htpasswd lists no user: it must hold user:bcrypt-hash lines'],
  ];
  for (const [text, message] of cases) assert.throws(() => parseBasicUsers(text, 'users.htpasswd'), { message }, text);
});

test('basicCredentials: only well-formed Basic headers', () => {
  assert.deepEqual(basicCredentials(basic('alice', 'a:b:c')), { user: 'alice', password: 'a:b:c' });
  assert.deepEqual(basicCredentials(`basic ${Buffer.from('u:').toString('base64')}`), { user: 'u', password: '' });
  for (const h of [undefined, '', 'Bearer abc', 'Basic', 'Basic !!!', `Basic ${Buffer.from('no-colon').toString('base64')}`]) assert.equal(basicCredentials(h), undefined, String(h));
});

test('basicVerifier: right password passes, wrong password and unknown user fail; a success is remembered', async () => {
  const users = parseBasicUsers(htpasswdLine('alice', 'correct horse').line, 'f');
  const verify = basicVerifier({ cacheSize: 2 });
  assert.equal(await verify(users, 'alice', 'correct horse'), true);
  assert.equal(await verify(users, 'alice', 'correct horse'), true);
  assert.equal(await verify(users, 'alice', 'wrong'), false);
  assert.equal(await verify(users, 'mallory', 'correct horse'), false);
  // The cache is keyed by the hash too: after the password changes, the old one no longer passes.
  const changed = parseBasicUsers(`alice:${bcrypt.hashSync('new password', 4)}`, 'f');
  assert.equal(await verify(changed, 'alice', 'correct horse'), false);
  assert.equal(await verify(changed, 'alice', 'new password'), true);
});

test('accessControl with basic users (and a token): either credential passes; 401 offers both challenges; the access log names the user, never the password', async () => {
  const users = parseBasicUsers(htpasswdLine('alice', 'correct horse').line, 'f');
  const logger = memoryLogger();
  const denied: string[] = [];
  const a = new Hono();
  a.use('*', accessLog({ mode: 'all', logger, remoteAddress: () => '10.0.0.1', now: () => 0 }));
  a.use('*', accessControl({ basicUsers: () => users, token: () => 'tok', remoteAddress: () => '10.0.0.1', onDenied: (r, p) => denied.push(`${r} ${p}`) }));
  a.get('*', (c) => c.text('ok'));
  const cases: [Record<string, string>, number][] = [
    [{}, 401],
    [{ authorization: basic('alice', 'correct horse') }, 200],
    [{ authorization: basic('alice', 'wrong') }, 401],
    [{ authorization: basic('bob', 'correct horse') }, 401],
    [{ authorization: 'Bearer tok' }, 200],
    [{ authorization: 'Bearer nope' }, 401],
  ];
  for (const [headers, status] of cases) {
    const res = await a.request('/api/v1/allocation', { headers });
    assert.equal(res.status, status, JSON.stringify(headers));
    if (status === 401) {
      assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="kube-cost-exporter", Basic realm="kube-cost-exporter", charset="UTF-8"');
      assert.equal(await res.text(), 'unauthorized: send Authorization: Bearer <token> (--auth-token-file) or basic credentials (--basic-auth-file)\n');
    }
  }
  assert.deepEqual(denied, ['token /api/v1/allocation', 'basic /api/v1/allocation', 'basic /api/v1/allocation', 'token /api/v1/allocation']);
  assert.deepEqual(
    logger.lines.map((l) => l.fields['user'] ?? '-'),
    ['-', 'alice', 'alice', 'bob', '-', '-'],
  );
  assert.ok(!JSON.stringify(logger.lines).includes('correct horse'));
});
