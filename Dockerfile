# Weft as one container: the gateway on 8787, the dashboard and REST API on 8080, state on /data.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# cgo is needed for the embedded SQLite driver.
RUN CGO_ENABLED=1 go build -trimpath -ldflags="-s -w" -o /out/weft ./cmd/weft

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /data --uid 10001 weft && mkdir -p /data && chown weft /data
COPY --from=build /out/weft /usr/local/bin/weft
USER weft
VOLUME /data
EXPOSE 8080 8787
ENTRYPOINT ["weft"]
CMD ["serve", "--data", "/data", "--admin-addr", "0.0.0.0:8080", "--gateway-addr", "0.0.0.0:8787"]
