/** Usage texts of the `stadium` CLI. */

/** `stadium start` usage. */
export const START_USAGE = `Usage: stadium start [options]

Run the server on one port: the SDK's WebSocket (/ws), the REST API (/v4/, with its
OpenAPI document at /v4/openapi.json), the live page (/live/), the browser SDK bundle
(/sdk/stadium.js), the operator console (/console/), /healthz and /metrics. The first
start creates the console account "operator" and prints its password once.

Options (each falls back to its environment variable, then the default):
  --port N          TCP port; 0 picks a free one       STADIUM_PORT       8080
  --host H          interface to bind                  STADIUM_HOST       127.0.0.1
  --data DIR        folder of the SQLite file          STADIUM_DATA       ./data
  --db URL          store: sqlite:<file>, memory: or   STADIUM_DB         <data>/stadium.db
                    postgres://user:pw@host:port/db
                    (one database shared by every node)
  --bus URL         bus between nodes: local: (this    STADIUM_BUS        local:
                    machine; workers talk over IPC) or
                    nats://host:port[,host:port]
  --log-level L     log level (pino)                   STADIUM_LOG_LEVEL  info
  --workers N       processes serving the port; rooms  STADIUM_WORKERS    one per core
                    are shared between them
  --config FILE     JSON object of further server      STADIUM_CONFIG     none
                    options (see docs/configuration.md)
`;

/** `stadium app …` usage. */
export const APP_USAGE = `Usage:
  stadium app create --name NAME [--callback-url URL] [--json] [--data DIR] [--db URL]
  stadium app list [--json] [--data DIR] [--db URL]
  stadium app update <SDKAppID> [--rate-limit N] [--member-tips on|off] [--name NAME]
                     [--callback-url URL] [--callbacks a,b|all|none]
                     [--callback-timeout MS] [--callback-fail allow|reject]
                     [--dev-login on|off] [--json] [--data DIR] [--db URL]
  stadium app delete --sdkappid N [--data DIR] [--db URL]

  create   make an application (SDKAppID, secret key, admin user "administrator");
           --callback-url sends every callback command to that URL;
           --json prints {"SDKAppID": N, "secretKey": "…", "adminUserID": "administrator"}
  list     show every application with its secret key
  update   change an application (SDKAppID first, or --sdkappid N): --rate-limit is
           the default messages/s of its rooms (40), --member-tips switches join/quit
           tips by default; --callback-url sets the callback URL ("" removes it; an app
           that had none gets every command), --callbacks the commands sent (all, none,
           or names such as Group.CallbackBeforeSendMsg,State.StateChange),
           --callback-timeout the wait for an answer (100–30000 ms, default 2000),
           --callback-fail what a failed before-send callback does (allow: deliver,
           reject: refuse with 80003), --dev-login lets the live page hand out userSigs
           to anyone (development only, unsafe in production; on for the development
           app); a running server applies changes within a few seconds (see
           docs/callbacks.md)
  delete   delete an application and all its data (rooms, profiles)

--data / --db fall back to STADIUM_DATA / STADIUM_DB, then ./data/stadium.db.
`;

/** `stadium words …` usage. */
export const WORDS_USAGE = `Usage:
  stadium words set <SDKAppID> --list NAME --action reject|mask|review --file FILE [--json]
  stadium words list <SDKAppID> [--json]
  stadium words delete <SDKAppID> --list NAME
  (each also takes [--data DIR] [--db URL])

  set      create or replace the word list NAME (1–32 letters, digits, _ or -) with the
           words of FILE, one per line (blank lines and repeats are dropped; at most
           10,000 words of 64 characters; 16 lists and 50,000 words per app). reject:
           messages with a word are refused (80001); mask: each match is sent as ***
  list     show the app's lists: name, action, number of words
  delete   delete the word list NAME

Matching ignores case, full-width forms and zero-width characters (docs/security.md).
A running server applies changes within a few seconds.
`;

/** `stadium console …` usage. */
export const CONSOLE_USAGE = `Usage: stadium console password [--name NAME] [--data DIR] [--db URL]

Set the password of the console operator NAME (default "operator"; created if missing).
The new password is read from STADIUM_CONSOLE_PASSWORD (12–256 characters) when it is set;
otherwise a random one is made and printed once. Changing it ends every console session.
`;

/** `stadium usersig` usage. */
export const USERSIG_USAGE = `Usage: stadium usersig --sdkappid N --key KEY --user ID [--expire SECONDS]

Print a userSig (TLSSigAPIv2) for user ID of app N, valid for SECONDS (default 15552000 = 180 days).
`;

/** Top-level usage. */
export const MAIN_USAGE = `Usage: stadium <command> [options]

Commands:
  start      run the server              stadium start [--port N] [--host H] [--data DIR] [--db URL] [--bus URL] [--workers N]
  app        manage applications         stadium app create --name NAME [--callback-url URL] [--json]
                                         stadium app list [--json]
                                         stadium app update <SDKAppID> [--rate-limit N] [--member-tips on|off]
                                                            [--callback-url URL] [--callbacks a,b|all|none]
                                         stadium app delete --sdkappid N
  words      manage an app's word lists  stadium words set <SDKAppID> --list NAME --action reject|mask|review --file FILE
                                         stadium words list <SDKAppID>
                                         stadium words delete <SDKAppID> --list NAME
  console    the operator console        stadium console password [--name NAME]
  usersig    print a userSig             stadium usersig --sdkappid N --key KEY --user ID [--expire SECONDS]
  help       show this text

Run "stadium <command> --help" for a command's options.
`;
