# archipel in a container, for a network that builds or serves the guide without Rust.
#
#   docker build -t archipel .
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/site" archipel build   # ./public
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/site" archipel build --offline --zip guide.zip
#   docker run --rm -p 8000:8000 -v "$PWD:/site" archipel serve --bind 0.0.0.0
#
# Two stages: the first compiles archipel with the Rust toolchain; the final image holds
# only the binary, on a distroless base (the C library and certificates, no shell, no
# package manager), and runs as an unprivileged user.

FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src src
COPY benches benches
RUN cargo build --release --locked --bin archipel

FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/archipel /usr/local/bin/archipel
WORKDIR /site
ENTRYPOINT ["/usr/local/bin/archipel"]
CMD ["build"]
