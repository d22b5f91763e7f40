// A throwaway service account for the BigQuery stand-in: a fresh RSA key pair, the key file JSON
// (as the BIGQUERY_SERVICE_ACCOUNT_KEY secret would hold it) and the public key the stand-in
// verifies assertions with. For tests and benchmarks only; nothing here is a real credential.

export const TEST_CLIENT_EMAIL = "mirror-export@scrape-ops-test.iam.gserviceaccount.com";

export interface TestServiceAccount {
  clientEmail: string;
  publicKey: CryptoKey;
  /** Builds the key file JSON for a token endpoint (the stand-in's tokenUrl). */
  keyJson(tokenUri: string): string;
  /** The base64 body of the private key PEM: tests assert it never leaks. */
  privateKeyBody: string;
}

export async function createTestServiceAccount(projectId: string): Promise<TestServiceAccount> {
  const keys = await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
  const privateKeyBody = Buffer.from(await crypto.subtle.exportKey("pkcs8", keys.privateKey)).toString(
    "base64",
  );
  const pem = `-----BEGIN PRIVATE KEY-----\n${
    privateKeyBody.match(/.{1,64}/g)!.join("\n")
  }\n-----END PRIVATE KEY-----\n`;
  return {
    clientEmail: TEST_CLIENT_EMAIL,
    publicKey: keys.publicKey,
    privateKeyBody,
    keyJson: (tokenUri) =>
      JSON.stringify({
        type: "service_account",
        project_id: projectId,
        private_key_id: "test-key-1",
        private_key: pem,
        client_email: TEST_CLIENT_EMAIL,
        token_uri: tokenUri,
      }),
  };
}
