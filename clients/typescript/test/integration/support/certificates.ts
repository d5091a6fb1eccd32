// A certificate authority made for one test run, and a server certificate it issued for 127.0.0.1 and localhost,
// written as PEM files by the openssl command line tool. Clients trust this CA only where a test passes it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificates {
  readonly authorityFile: string;
  /** The CA certificate (PEM), for a client's `ca` option. */
  readonly authority: string;
  readonly certificateFile: string;
  readonly keyFile: string;
  dispose(): void;
}

export function createTestCertificates(): TestCertificates {
  const directory = mkdtempSync(join(tmpdir(), "ts-tls-"));
  const file = (name: string) => join(directory, name);
  const openssl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl("req", "-x509", ...ec, "-keyout", file("ca.key"), "-out", file("ca.pem"), "-days", "1", "-subj", "/CN=SignalRChannels TS test CA");
  openssl("req", ...ec, "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=127.0.0.1");
  writeFileSync(
    file("server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
  );
  openssl(
    "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.pem"), "-CAkey", file("ca.key"), "-CAcreateserial",
    "-out", file("server.pem"), "-days", "1", "-extfile", file("server.ext"),
  );
  return {
    authorityFile: file("ca.pem"),
    authority: readFileSync(file("ca.pem"), "utf8"),
    certificateFile: file("server.pem"),
    keyFile: file("server.key"),
    dispose: () => rmSync(directory, { recursive: true, force: true }),
  };
}
