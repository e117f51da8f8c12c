# Hatline with Debian's Chromium for the whatsapp-web.js engine.
#   docker build -t hatline .
#   docker run -p 3000:3000 -v hatline-data:/app/data -v hatline-media:/app/media hatline
FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .puppeteerrc.cjs ./
# postinstall patches whatsapp-web.js (scripts/patch-wwebjs.mjs) and fails the build if it cannot.
COPY scripts/patch-wwebjs.mjs scripts/wwebjs-patches.json ./scripts/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY migrations ./migrations
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-liberation tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production \
    DATA_DIR=/app/data \
    MEDIA_DIR=/app/media \
    CHROMIUM_PATH=/usr/bin/chromium \
    PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json .puppeteerrc.cjs ./
# The list of whatsapp-web.js patches whose markers the server checks at start.
COPY scripts/wwebjs-patches.json ./scripts/
COPY public ./public
RUN mkdir -p /app/data /app/media
VOLUME ["/app/data", "/app/media"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# tini reaps Chromium's zombie processes and forwards SIGTERM so shutdown closes every session.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/src/main.js"]
