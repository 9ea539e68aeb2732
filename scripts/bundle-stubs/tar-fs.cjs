// Bundle stand-in for tar-fs: dockerode requires it at load for docker.buildImage() of a local
// directory, which ZapieRakyat never calls, and evaluating it (with its own tar-stream and bl)
// kept ~1.2 MiB more resident in every idle server and agent. The real module stays in the
// bundle and is evaluated on the first call.
let real
const load = () => {
  // By path: the alias that points dockerode here would catch 'tar-fs' (and its subpaths) again.
  real ??= require('../../node_modules/tar-fs/index.js')
  return real
}
module.exports = {
  pack: (...args) => load().pack(...args),
  extract: (...args) => load().extract(...args),
}
