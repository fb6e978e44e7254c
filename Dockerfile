# The sfu image: Debian 12 with Node 20, ffmpeg and the mediasoup worker built offline
# by the project's own setup script (no download from outside the package registries).
FROM node:20-bookworm
ENV NODE_ENV=production
WORKDIR /app
COPY . .
RUN node scripts/setup.mjs --for=start
EXPOSE 3000
CMD ["node", "scripts/start.mjs"]
