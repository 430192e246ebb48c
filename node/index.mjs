// ESM entry point: the same objects as the CommonJS entry (index.js).
import cjs from './index.js'

export const {
  Client,
  Sandbox,
  ErrorCode,
  ContactNowError,
  InvalidInputError,
  ApiError,
  DecodeError,
  HttpStatusError,
  TransportError,
  TimeoutError,
  CancelledError,
  isContactNowError,
  buildRequest,
  parseResponse,
  redactUrl,
  VERSION,
} = cjs
export default cjs
