# syntax=docker/dockerfile:1
# policygraph API image: runs `policygraph serve` against the Neo4j named by NEO4J_URI (see
# docker-compose.yml). The local Neo4j launcher (neo4j-local/, Java) is not part of the image.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/policygraph ./cmd/policygraph

# A static busybox, only for the container healthcheck (distroless has no shell or wget).
FROM busybox:1.37-musl AS busybox

FROM gcr.io/distroless/static-debian12:nonroot
WORKDIR /app
COPY --from=build /out/policygraph /usr/local/bin/policygraph
COPY --from=busybox /bin/busybox /usr/local/bin/busybox
COPY --chown=nonroot:nonroot data/ /app/data/
ENV POLICYGRAPH_HOME=/app \
    HTTP_ADDR=0.0.0.0:8080
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["/usr/local/bin/busybox", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/readyz"]
ENTRYPOINT ["/usr/local/bin/policygraph"]
CMD ["serve"]
