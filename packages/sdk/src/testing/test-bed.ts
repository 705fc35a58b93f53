/** A scripted server and the SDK instances talking to it, closed together after a test. */
import type { TimOptions } from '../options.js';
import { Client } from '../client.js';
import type { ClientEnvironment } from '../client-environment.js';
import { ScriptedServer } from './scripted-server.js';
import { silent } from './test-helpers.js';

/** SDKAppID the test beds use. */
export const TEST_APP = 1400000001;

/** See the module comment. */
export class TestBed {
  private readonly clients: Client[] = [];

  private constructor(readonly server: ScriptedServer) {}

  /** Start the scripted server. */
  static async start(): Promise<TestBed> {
    return new TestBed(await ScriptedServer.start());
  }

  /** A new instance on the server (fast reconnects, silent logs unless overridden). */
  instance(options: Partial<TimOptions> = {}, environment: Partial<ClientEnvironment> = {}): Client {
    const client = new Client({ SDKAppID: TEST_APP, server: this.server.url, logger: silent, reconnectBaseMs: 5, reconnectMaxMs: 20, ...options }, {}, environment);
    this.clients.push(client);
    return client;
  }

  /** Destroy every instance, then close the server. */
  async close(): Promise<void> {
    for (const client of this.clients.splice(0)) await client.destroy();
    await this.server.close();
  }
}
