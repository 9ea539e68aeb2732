// Bundle stand-in for ssh2: dockerode's ssh:// transport, which ZapieRakyat does not offer
// (DOCKER_HOST must be unix://, tcp://, http:// or https://, see src/config.ts). The real module
// loads a WebAssembly cipher and ~600 KB of code at every start for nothing.
class Client {
  constructor() {
    throw new Error('ssh:// Docker hosts are not supported')
  }
}
module.exports = { Client }
