// The error every consentry function throws. Loaded by the generated glue of every target
// (bundler, Node, web) and re-exported from the package entry.

/** A consentry failure: `code` and `numericCode` are the stable codes shared by every face. */
export class ConsentryError extends Error {
  /**
   * @param {string} message lower-case, names the field at fault, never a secret or personal value
   * @param {string} code stable string code, e.g. `signature_invalid`
   * @param {number} numericCode stable numeric code (the C `consentry_result` value)
   */
  constructor(message, code, numericCode) {
    super(message);
    this.name = 'ConsentryError';
    this.code = code;
    this.numericCode = numericCode;
  }
}
