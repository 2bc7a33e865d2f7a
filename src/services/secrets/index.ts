export { SecretBox, SecretDecryptionError } from "./secret-box.js";
export { loadOrCreateSecretKey, parseSecretKey, type SecretKeyConfig } from "./secret-key.js";
