# syntax=docker/dockerfile:1
# The image for `vrouter serve` on ECS (service.image in the infra configuration). Build from the repository root:
#   docker build -f infra/docker/router.Dockerfile -t vrouter .
# The final stage holds the router's build and exactly its production dependencies (infra/src/router-package.ts): no
# compilers, CDK or development packages (dynalite, the local targets). Node.js 22, as the Lambda functions default to.

FROM node:22-bookworm-slim AS build
WORKDIR /src
COPY . .
# npm ci runs the root `prepare` script, which builds every workspace.
RUN npm ci --no-audit --no-fund \
 && node --import tsx infra/bin/router-package.ts /package

FROM node:22-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /package /app
USER node
EXPOSE 3000
# The stack passes the same command; HOST, PORT, VROUTER_TABLE and the secrets come from the task definition.
CMD ["node", "services/router/bin/serve.js"]
