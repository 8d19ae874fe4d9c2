// TokenReview and SubjectAccessReview through the official client (src/server/kube-auth.ts uses
// them to check callers of the exporter with `--auth-kubernetes`).
import type { KubeReviewer } from '../../server/kube-auth.ts';
import type { LoadedKubeConfig } from './kubeconfig.ts';

export function kubeReviewer(loaded: LoadedKubeConfig): KubeReviewer {
  const authn = loaded.config.makeApiClient(loaded.k8s.AuthenticationV1Api);
  const authz = loaded.config.makeApiClient(loaded.k8s.AuthorizationV1Api);
  return {
    async tokenReview(token) {
      const review = await authn.createTokenReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } } });
      const s = review.status;
      if (s?.authenticated !== true || !s.user?.username) return { user: undefined, error: s?.error ?? '' };
      return { user: { username: s.user.username, uid: s.user.uid ?? '', groups: s.user.groups ?? [], extra: s.user.extra ?? {} } };
    },
    async accessReview(user, path, verb) {
      const review = await authz.createSubjectAccessReview({
        body: {
          apiVersion: 'authorization.k8s.io/v1',
          kind: 'SubjectAccessReview',
          spec: { user: user.username, uid: user.uid, groups: [...user.groups], extra: Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]])), nonResourceAttributes: { path, verb } },
        },
      });
      return { allowed: review.status?.allowed === true, reason: review.status?.reason ?? '' };
    },
  };
}
