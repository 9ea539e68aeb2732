// Bundle stand-in for @grpc/grpc-js and @grpc/proto-loader: dockerode needs them only for
// BuildKit sessions of docker.buildImage(), which ZapieRakyat never calls. The real modules are
// ~1 MB of code loaded at every start.
module.exports = {}
