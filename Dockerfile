# syntax=docker/dockerfile:1
# The kube-cost-exporter image: the compiled JavaScript bundled into one file with the production
# dependencies it uses, and the Node 24 runtime on Alpine, run as a non-root user. No TypeScript,
# no node_modules, no npm. Build: docker build -t kube-cost-exporter . ; docs/install.md.
#
# NODE_VERSION and ALPINE_VERSION move together: the runtime stage copies the node binary of the
# node:<NODE_VERSION>-alpine<ALPINE_VERSION> image onto the same Alpine release.
ARG NODE_VERSION=24
ARG ALPINE_VERSION=3.22

# 1. Compile TypeScript to dist/ (npm run build), then bundle dist/ and the production
#    dependencies it imports (deploy/docker/bundle.mjs: the exporter, and the node agent's own
#    small bundle that `kube-cost-exporter agent` loads); build the web UI (ui/dist).
FROM node:${NODE_VERSION}-alpine${ALPINE_VERSION} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# --ignore-scripts: the pinned `node` devDependency would download a second Node; TypeScript 7's
# compiler and esbuild are static binaries that need no install script.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY deploy/docker/bundle.mjs ./deploy/docker/
RUN node node_modules/typescript/bin/tsc -p tsconfig.build.json \
 && node deploy/docker/bundle.mjs dist bundle/dist/cli/kube-cost-exporter.js
# The web UI (Vite): static files in ui/dist, served at / (src/server/ui.ts finds them next to package.json).
COPY ui ./ui
RUN node ui/build.ts

# 2. The node binary alone, without its debug symbols (about 18 MB) and without npm and yarn.
FROM node:${NODE_VERSION}-alpine${ALPINE_VERSION} AS node
RUN apk add --no-cache binutils && strip /usr/local/bin/node

# 3. The image.
FROM alpine:${ALPINE_VERSION}
ARG VERSION=0.1.0
LABEL org.opencontainers.image.title="kube-cost-exporter" \
      org.opencontainers.image.description="Real-time Kubernetes cost metrics for Prometheus and Grafana" \
      org.opencontainers.image.source="https://github.com/deepcost/kube-cost-exporter" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}"
# The history store and the pricing cache live in KCE_DATA_DIR, writable by the exporter's user
# (mount a volume there to keep history across containers).
# jemalloc replaces the C library's malloc (LD_PRELOAD below): decision 0029.
RUN apk add --no-cache libstdc++ libgcc jemalloc \
 && mkdir -p /var/lib/kube-cost-exporter && chown 65532:65532 /var/lib/kube-cost-exporter
COPY --from=node /usr/local/bin/node /usr/local/bin/node
WORKDIR /app
COPY --from=build /src/bundle/dist ./dist
COPY --from=build /src/ui/dist ./ui/dist
COPY package.json ./
COPY bin ./bin
# V8's young generation capped at 2 × 4 MiB (decisions 0025 and 0029): 13 MiB less at 10,000 pods in
# service; at 100,000 pods the cycle costs 30% more CPU (set --max-semi-space-size=8 there).
# --expose-gc: one memory-reducing collection after each cost cycle (--reclaim-memory, decision 0030).
ENV NODE_ENV=production KCE_DATA_DIR=/var/lib/kube-cost-exporter NODE_OPTIONS="--max-semi-space-size=4 --expose-gc"
# The memory allocator (decision 0029): jemalloc, two arenas, and one background thread that hands
# pages freed for a second back to the kernel. Measured at M in service (docs/benchmarks.md,
# "Fifth round"): about 30 MiB less resident memory than the C library's malloc.
ENV LD_PRELOAD=/usr/lib/libjemalloc.so.2 MALLOC_CONF=narenas:2,background_thread:true,max_background_threads:1,dirty_decay_ms:1000,muzzy_decay_ms:0
VOLUME /var/lib/kube-cost-exporter
# The numeric user the Kubernetes manifests run as (runAsNonRoot needs a numeric USER).
USER 65532:65532
EXPOSE 9090
# For `docker run`; Kubernetes uses the manifests' probes instead.
HEALTHCHECK --interval=30s --timeout=5s CMD wget -q -O /dev/null http://127.0.0.1:9090/healthz || exit 1
ENTRYPOINT ["/usr/local/bin/node", "/app/bin/kube-cost-exporter.js"]
