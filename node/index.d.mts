// Types of the ESM entry (index.mjs): the declarations of the CommonJS entry (index.d.ts),
// and the default export, which is the CommonJS module object itself.
import * as contactnow from './index.js'

export * from './index.js'
export default contactnow
