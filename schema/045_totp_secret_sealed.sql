-- TOTP secrets are sealed at rest (AES-256-GCM under auth.totp_key_file, see
-- server/core/secret_box.h): user_totp.secret now holds "v1:" + hex(nonce | ciphertext | tag).
-- SQL cannot seal the rows written before, as the key is not in the database; the server seals
-- them on its first start with the key (audited as second_factor.seal_secrets), so both forms
-- are allowed here and only the sealed one is ever written.
ALTER TABLE user_totp DROP CONSTRAINT user_totp_secret_check;
ALTER TABLE user_totp ADD CONSTRAINT user_totp_secret_form
    CHECK (secret ~ '^v1:[0-9a-f]{88,}$' OR secret ~ '^[0-9a-f]{32,}$');
COMMENT ON COLUMN user_totp.secret IS
    'Sealed TOTP secret: v1: + hex(12-byte nonce | ciphertext | 16-byte tag), AAD user_totp:<user_id>';
