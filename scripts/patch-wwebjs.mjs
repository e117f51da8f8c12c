#!/usr/bin/env node
// Install-time patches for whatsapp-web.js 1.34.7 (run by `postinstall`; idempotent).
//
// whatsapp-web.js has had no release since 1.34.7 (2026-04-25), and WhatsApp Web changes from
// July to September 2026 broke it on paths Hatline uses (see the review, wwebjs-2026.md, D1-D7).
// The upstream fixes are open pull requests, so this script backports small, reviewed text edits:
//
//   1. It refuses any version but 1.34.7: every anchor below was read in that version's files.
//   2. It keeps a pristine copy at node_modules/.hatline/whatsapp-web.js-pristine/ (tests load the
//      unpatched library from there; its requires still resolve puppeteer from node_modules).
//   3. Each edit replaces an exact anchor text that must occur once; each patched file starts with
//      a `/* hatline-patch:<id> */` line, which is how a patch already applied is recognised and
//      what the server checks at start (scripts/wwebjs-patches.json lists id -> files).
//   4. If an anchor is missing and the file has no marker, nothing is written and the script
//      exits 1 naming the patch and the file, so `npm ci` fails instead of shipping a half-patched
//      library.
//
// Only node: builtins: it runs while the rest of node_modules is still being installed.
//   node scripts/patch-wwebjs.mjs          patch (what postinstall runs)
//   node scripts/patch-wwebjs.mjs --check  exit 1 unless every marker is in place; writes nothing
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const LIBRARY = 'whatsapp-web.js';
export const VERSION = '1.34.7';

const lines = (...l) => l.join('\n');

/**
 * The patch set. `edits[].anchor` is text of the 1.34.7 file, `replacement` what it becomes.
 * Replacements run in the page where the original did (LoadUtils and the evaluate callbacks are
 * serialised into WhatsApp Web), so they use nothing but the page's own globals there.
 */
export const PATCHES = [
  {
    // Backport of the idea of wwebjs/whatsapp-web.js#201832 (Base._normalizeId and `$1`
    // fallbacks; open). WhatsApp Web >= 2.3000.1042401057 (2026-07-15, wa-js #3484, issues
    // #201830 #201833) names a message key's serialized form `$1`; Wids keep `_serialized`.
    // Without this: sendMessage resolves undefined although the message was sent (Utils.js
    // `Msg.get(newMsgKey._serialized)`), react() is a silent no-op, delete/downloadMedia and
    // getChats/getChatById throw the minified `r: r` (IndexedDB DataError on an undefined key).
    id: 'msgkey-dollar1',
    edits: [
      {
        file: 'src/structures/Base.js',
        anchor: 'module.exports = Base;',
        replacement: lines(
          '/**',
          ' * A message key or Wid as read from WhatsApp Web, with `_serialized` set: from',
          ' * `_serialized`, else `$1` (the name WhatsApp Web uses since July 2026), else built from',
          ' * its parts (`fromMe_remote_id[_participant]`, or `user@server`). Backport of the idea',
          ' * of wwebjs/whatsapp-web.js#201832; ids that already have `_serialized` are returned as is.',
          ' */',
          'Base.normalizeId = function normalizeId(id) {',
          "    if (!id || typeof id !== 'object' || typeof id._serialized === 'string') return id;",
          '    const widString = (wid) => {',
          "        if (!wid || typeof wid !== 'object') return wid;",
          "        if (typeof wid._serialized === 'string') return wid._serialized;",
          "        if (typeof wid.$1 === 'string') return wid.$1;",
          '        return wid.user && wid.server ? `${wid.user}@${wid.server}` : undefined;',
          '    };',
          '    let serialized = id.$1;',
          "    if (typeof serialized !== 'string') {",
          '        if (id.remote !== undefined && id.id !== undefined) {',
          '            const participant = widString(id.participant);',
          '            serialized = `${Boolean(id.fromMe)}_${widString(id.remote)}_${id.id}${participant ? `_${participant}` : \'\'}`;',
          '        } else {',
          '            serialized = widString(id);',
          '        }',
          '    }',
          "    return typeof serialized === 'string' ? { ...id, _serialized: serialized } : id;",
          '};',
          '',
          'module.exports = Base;',
        ),
      },
      {
        file: 'src/structures/Message.js',
        anchor: '        this.id = data.id;',
        replacement: '        this.id = Base.normalizeId(data.id); // hatline: `$1` keys (#201832)',
      },
      {
        file: 'src/structures/Chat.js',
        anchor: '        this.id = data.id;',
        replacement: '        this.id = Base.normalizeId(data.id); // hatline: `$1` keys (#201832)',
      },
      {
        file: 'src/structures/Contact.js',
        anchor: '        this.id = data.id;',
        replacement: '        this.id = Base.normalizeId(data.id); // hatline: `$1` keys (#201832)',
      },
      {
        file: 'src/util/Injected/Utils.js',
        anchor: '    window.WWebJS = {};',
        replacement: lines(
          '    window.WWebJS = {};',
          '',
          '    // hatline (#201832): the serialized form of a message key, whichever name WhatsApp Web',
          '    // gives it (`_serialized` before July 2026, `$1` since), else built from its parts.',
          '    window.WWebJS.hatlineKeyString = (key) => {',
          "        if (key === null || key === undefined || typeof key === 'string') return key;",
          "        const wid = (w) => (w && typeof w === 'object' ? (w._serialized ?? w.$1 ?? String(w)) : w);",
          "        if (typeof key._serialized === 'string') return key._serialized;",
          "        if (typeof key.$1 === 'string') return key.$1;",
          '        if (key.remote === undefined || key.id === undefined) return undefined;',
          '        const participant = wid(key.participant);',
          '        return `${Boolean(key.fromMe)}_${wid(key.remote)}_${key.id}${participant ? `_${participant}` : \'\'}`;',
          '    };',
        ),
      },
      {
        file: 'src/util/Injected/Utils.js',
        anchor: '            .Msg.get(newMsgKey._serialized);',
        replacement: '            .Msg.get(window.WWebJS.hatlineKeyString(newMsgKey)); // hatline (#201832)',
      },
      {
        file: 'src/util/Injected/Utils.js',
        anchor: lines(
          '            const lastMessage = chat.lastReceivedKey',
          '                ? window',
          "                      .require('WAWebCollections')",
          '                      .Msg.get(chat.lastReceivedKey._serialized) ||',
          '                  (',
          '                      await window',
          "                          .require('WAWebCollections')",
          '                          .Msg.getMessagesById([',
          '                              chat.lastReceivedKey._serialized,',
          '                          ])',
          '                  )?.messages?.[0]',
          '                : null;',
        ),
        replacement: lines(
          '            // hatline (#201832): an undefined key here reaches IndexedDB and throws `r: r`,',
          '            // which fails getChats() as a whole (#201848).',
          '            const lastKey = window.WWebJS.hatlineKeyString(chat.lastReceivedKey);',
          '            const lastMessage = lastKey',
          '                ? window',
          "                      .require('WAWebCollections')",
          '                      .Msg.get(lastKey) ||',
          '                  (',
          '                      await window',
          "                          .require('WAWebCollections')",
          '                          .Msg.getMessagesById([lastKey])',
          '                  )?.messages?.[0]',
          '                : null;',
        ),
      },
      {
        file: 'src/util/Injected/Utils.js',
        anchor: lines('        delete msg.pendingAckUpdate;', '', '        return msg;'),
        replacement: lines(
          '        delete msg.pendingAckUpdate;',
          '',
          '        // hatline (#201832): every message handed to Node carries `id._serialized`.',
          "        if (msg.id && typeof msg.id._serialized !== 'string') {",
          '            msg.id = {',
          '                ...msg.id,',
          '                _serialized: window.WWebJS.hatlineKeyString(message.id),',
          '            };',
          '        }',
          '',
          '        return msg;',
        ),
      },
    ],
  },
  {
    // Backport of wwebjs/whatsapp-web.js#201923 (open; issues #201921 #201922). Since WhatsApp
    // Web builds of 2026-09-17 the media model spread into the outgoing message carries its
    // private `__x_id` (undefined), which overrides the message id when WhatsApp Web builds the
    // Msg model: "Data passed to getter must include an id property (it's how we memoize) but
    // got undefined" for every image, video, audio, voice, document and sticker send.
    id: 'media-x-id',
    edits: [
      {
        file: 'src/util/Injected/Utils.js',
        anchor: "        // Bot's won't reply if canonicalUrl is set (linking)",
        replacement: lines(
          "        // hatline (#201923): the spread media model's private `__x_id` must not replace",
          '        // the id of the outgoing message.',
          '        delete message.__x_id;',
          '',
          "        // Bot's won't reply if canonicalUrl is set (linking)",
        ),
      },
    ],
  },
  {
    // Backport of the fix in wwebjs/whatsapp-web.js#201908 (2026-09-08): WhatsApp Web's
    // downloadAndMaybeDecrypt takes the declared mimetype from its argument, defaults it to
    // application/octet-stream, and its newer allowlist then throws "InvalidMediaFileType:
    // Unexpected mimetype application/octet-stream for media type image".
    id: 'media-mimetype',
    edits: [
      {
        file: 'src/structures/Message.js',
        anchor: lines('                        type: msg.type,', '                        signal: new AbortController().signal,'),
        replacement: lines(
          '                        type: msg.type,',
          '                        mimetype: msg.mimetype, // hatline (#201908)',
          '                        signal: new AbortController().signal,',
        ),
      },
    ],
  },
  {
    // The UNPAIRED_IDLE handler is an exposed function: it runs in Node, where `window` does not
    // exist, so it throws "window is not defined" and an idle QR is never refreshed (review D7;
    // unchanged on upstream main). Run the refresh in the page. WhatsApp Web 2026 dropped
    // Cmd.refreshQR (wwebjs/whatsapp-web.js#22449, which uses WAWebLaunchSocketUtils.refreshQR
    // in cancelPairingCode); try that first and the old command where it still exists.
    id: 'idle-qr-refresh',
    edits: [
      {
        file: 'src/Client.js',
        anchor: lines('                    // refresh qr code', "                    window.require('WAWebCmd').Cmd.refreshQR();"),
        replacement: lines(
          '                    // refresh qr code; hatline: in the page, not here in Node (review D7)',
          '                    await this.pupPage',
          '                        .evaluate(() => {',
          '                            let launch;',
          '                            try {',
          "                                launch = window.require('WAWebLaunchSocketUtils');",
          '                            } catch {',
          '                                launch = undefined;',
          '                            }',
          "                            if (launch && typeof launch.refreshQR === 'function') return launch.refreshQR();",
          "                            return window.require('WAWebCmd').Cmd.refreshQR();",
          '                        })',
          '                        // The page navigating away is the only expected failure; it shows a new QR anyway.',
          '                        .catch(() => {});',
        ),
      },
    ],
  },
  {
    // WhatsApp Web removed WAWebBlockContactUtils.getContactToBlockOnlyUseIfNoAssociatedChat, so
    // block()/unblock() reject with "... is not a function" (rmyndharis/OpenWA#1391, upstream
    // #201778), and its server refuses a phone-keyed block ("trying to block a pn contact without
    // a chat", OpenWA#1391). Upstream main (f7e4d3d0f, #201753, unreleased) blocks by LID through
    // WAWebBlockContactAction; this does the same with the contact model of the LID, and checks
    // the blocklist afterwards, so a block that did not take effect (OpenWA saw UI wrappers block
    // nothing without an error) fails instead of answering true.
    id: 'block-lid',
    edits: [
      {
        file: 'src/structures/Contact.js',
        anchor: lines(
          '            const contact = await window',
          "                .require('WAWebCollections')",
          '                .Contact.find(contactId);',
          '            const resolved = window',
          "                .require('WAWebBlockContactUtils')",
          '                .getContactToBlockOnlyUseIfNoAssociatedChat(',
          '                    contact,',
          "                    'ChatListBlock',",
          '                );',
          '            await window',
          "                .require('WAWebBlockContactAction')",
          '                .blockContact({ contact: resolved });',
        ),
        replacement: blockBody('block'),
      },
      {
        file: 'src/structures/Contact.js',
        anchor: lines(
          '            const contact = await window',
          "                .require('WAWebCollections')",
          '                .Contact.find(contactId);',
          '            const resolved = window',
          "                .require('WAWebBlockContactUtils')",
          '                .getContactToBlockOnlyUseIfNoAssociatedChat(',
          '                    contact,',
          "                    'ChatListBlock',",
          '                );',
          '            await window',
          "                .require('WAWebBlockContactAction')",
          '                .unblockContact(resolved);',
        ),
        replacement: blockBody('unblock'),
      },
    ],
  },
  {
    // After every navigation of WhatsApp Web's page (its own reload after linking or on an update,
    // the logout navigation) the library re-injects its helpers from a `framenavigated` handler
    // (review D8, Client.js:495-504), with nothing catching: when the page navigates again or the browser is closed meanwhile
    // (a logout followed by destroy(), a reload during a reload), inject() rejects with "Execution
    // context was destroyed" or "Attempted to use detached Frame" as an unhandled rejection, which
    // ends a Node process that has no handler for those. Caught here; a page left without the
    // helpers is what Hatline's health check looks for (isInjected) and restarts.
    id: 'navigation-inject',
    edits: [
      {
        file: 'src/Client.js',
        anchor: lines(
          '                this.lastLoggedOut = false;',
          '            }',
          '            await this.inject();',
          '        });',
        ),
        replacement: lines(
          '                this.lastLoggedOut = false;',
          '            }',
          '            // hatline: a page that navigated again or a closed browser is not a crash',
          '            await this.inject().catch(() => {});',
          '        });',
        ),
      },
    ],
  },
];

/** The page-side body of Contact.block()/unblock() for the block-lid patch. */
function blockBody(action) {
  const blocking = action === 'block';
  return lines(
    '            // hatline block-lid: by LID, as WhatsApp Web keys chats and the blocklist (OpenWA#1391)',
    '            const { lid } = await window.WWebJS.enforceLidAndPnRetrieval(contactId);',
    '            if (!lid) {',
    '                throw new Error(',
    `                    \`cannot ${action} \${contactId}: WhatsApp did not tell its LID, and it refuses phone-keyed blocks\`,`,
    '                );',
    '            }',
    "            const { Contact, Blocklist } = window.require('WAWebCollections');",
    '            const contact = await Contact.find(lid);',
    blocking
      ? "            await window.require('WAWebBlockContactAction').blockContact({ contact, blockEntryPoint: 'ChatListBlock' });"
      : "            await window.require('WAWebBlockContactAction').unblockContact(contact, 'ChatListBlock');",
    '            for (let waited = 0; ' + (blocking ? '!' : '') + 'Blocklist.get(lid); waited += 100) {',
    '                if (waited >= 3000) {',
    `                    throw new Error(\`${action}ing \${contactId} did not change the blocklist\`);`,
    '                }',
    '                await new Promise((resolve) => setTimeout(resolve, 100));',
    '            }',
  );
}

export const markerOf = (id) => `/* hatline-patch:${id} */`;

export class PatchError extends Error {}

/** Files -> the patches that touch them, in patch order. */
function filesOf(patches) {
  const byFile = new Map();
  for (const patch of patches) {
    for (const edit of patch.edits) {
      const list = byFile.get(edit.file) ?? [];
      if (!list.includes(patch)) list.push(patch);
      byFile.set(edit.file, list);
    }
  }
  return byFile;
}

function count(text, needle) {
  let n = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) n++;
  return n;
}

/**
 * What `libDir` becomes with `patches` applied: file -> new text, for the files that change.
 * Throws a PatchError naming the patch and file when an unmarked file lacks an anchor (or has it
 * more than once), or when a marked file lacks the patched text.
 */
export function planPatches(libDir, patches = PATCHES) {
  const out = new Map();
  for (const [file, filePatches] of filesOf(patches)) {
    const full = path.join(libDir, file);
    if (!existsSync(full)) throw new PatchError(`patch "${filePatches[0].id}": ${file} does not exist in ${libDir}`);
    let text = readFileSync(full, 'utf8');
    const header = [];
    for (const patch of filePatches) {
      const edits = patch.edits.filter((e) => e.file === file);
      const marker = markerOf(patch.id);
      if (text.includes(marker)) {
        for (const edit of edits) {
          if (!text.includes(edit.replacement)) {
            throw new PatchError(`patch "${patch.id}": ${file} carries its marker but not its text; reinstall ${LIBRARY} (rm -rf node_modules && npm ci)`);
          }
        }
        continue;
      }
      for (const edit of edits) {
        const n = count(text, edit.anchor);
        if (n !== 1) {
          throw new PatchError(
            `patch "${patch.id}": anchor ${n === 0 ? 'not found' : `found ${n} times`} in ${file}:\n${edit.anchor
              .split('\n')
              .map((l) => `    | ${l}`)
              .join('\n')}\n` + `${LIBRARY} is not the ${VERSION} these patches were written for, or the file was edited`,
          );
        }
        text = text.replace(edit.anchor, () => edit.replacement);
      }
      header.push(marker);
    }
    if (header.length > 0) out.set(file, `${header.join('\n')}\n${text}`);
  }
  return out;
}

/** Undoes `patches` in the text of a patched file (to rebuild a lost pristine copy). */
export function unpatchText(text, file, patches = PATCHES) {
  for (const patch of [...patches].reverse()) {
    const marker = `${markerOf(patch.id)}\n`;
    if (!text.includes(marker)) continue;
    text = text.replace(marker, '');
    for (const edit of patch.edits.filter((e) => e.file === file).reverse()) {
      if (count(text, edit.replacement) !== 1) throw new PatchError(`patch "${patch.id}": cannot undo it in ${file}`);
      text = text.replace(edit.replacement, () => edit.anchor);
    }
  }
  return text;
}

/** Markers of `manifest` missing in `libDir`, as "id in file" strings (empty when all are there). */
export function missingMarkers(libDir, manifest) {
  const missing = [];
  for (const patch of manifest.patches) {
    for (const file of patch.files) {
      const full = path.join(libDir, file);
      const text = existsSync(full) ? readFileSync(full, 'utf8') : '';
      if (!text.includes(markerOf(patch.id))) missing.push(`${patch.id} in ${file}`);
    }
  }
  return missing;
}

function versionOf(libDir) {
  return JSON.parse(readFileSync(path.join(libDir, 'package.json'), 'utf8')).version;
}

function isMarked(libDir, patches) {
  return [...filesOf(patches).keys()].some((file) => {
    const full = path.join(libDir, file);
    return existsSync(full) && readFileSync(full, 'utf8').includes('/* hatline-patch:');
  });
}

/** The manifest and the patch set must name the same ids and files; a drift is a bug here. */
function checkManifest(manifest, patches) {
  const fromCode = patches.map((p) => `${p.id}: ${[...new Set(p.edits.map((e) => e.file))].sort().join(', ')}`);
  const fromManifest = manifest.patches.map((p) => `${p.id}: ${[...p.files].sort().join(', ')}`);
  if (manifest.version !== VERSION || JSON.stringify(fromCode) !== JSON.stringify(fromManifest)) {
    throw new PatchError(`scripts/wwebjs-patches.json does not match the patches in scripts/patch-wwebjs.mjs:\n  code:     ${fromCode.join('\n            ')}\n  manifest: ${fromManifest.join('\n            ')}`);
  }
}

/**
 * Makes `pristineDir` an unpatched copy of the library: copied from `libDir` when that is not
 * patched yet, else kept when it is a clean copy of the same version, else rebuilt by undoing the
 * patches on a copy of `libDir`.
 */
function ensurePristine(libDir, pristineDir, patches) {
  const pristineOk = () =>
    existsSync(path.join(pristineDir, 'package.json')) && versionOf(pristineDir) === VERSION && !isMarked(pristineDir, patches);
  const fresh = `${pristineDir}.tmp-${process.pid}`;
  rmSync(fresh, { recursive: true, force: true });
  mkdirSync(path.dirname(pristineDir), { recursive: true });
  if (!isMarked(libDir, patches)) {
    cpSync(libDir, fresh, { recursive: true });
  } else if (pristineOk()) {
    return 'kept';
  } else {
    cpSync(libDir, fresh, { recursive: true });
    for (const file of filesOf(patches).keys()) {
      const full = path.join(fresh, file);
      writeFileSync(full, unpatchText(readFileSync(full, 'utf8'), file, patches));
    }
    if (isMarked(fresh, patches)) throw new PatchError(`could not rebuild an unpatched copy of ${LIBRARY}; reinstall it (rm -rf node_modules && npm ci)`);
  }
  rmSync(pristineDir, { recursive: true, force: true });
  renameSync(fresh, pristineDir);
  return 'copied';
}

function main(argv) {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const manifest = JSON.parse(readFileSync(path.join(root, 'scripts', 'wwebjs-patches.json'), 'utf8'));
  const libDir = path.join(root, 'node_modules', LIBRARY);
  const pristineDir = path.join(root, manifest.pristineCopy);
  checkManifest(manifest, PATCHES);
  if (!existsSync(path.join(libDir, 'package.json'))) throw new PatchError(`${LIBRARY} is not installed in ${path.dirname(libDir)}`);
  const version = versionOf(libDir);
  if (version !== VERSION) {
    throw new PatchError(`${LIBRARY} ${version} is installed, but these patches are for ${VERSION} exactly; pin "${LIBRARY}": "${VERSION}" in package.json, or review every patch against the new version`);
  }

  if (argv.includes('--check')) {
    const missing = missingMarkers(libDir, manifest);
    if (missing.length > 0) throw new PatchError(`missing patches: ${missing.join('; ')}; run node scripts/patch-wwebjs.mjs`);
    console.log(`patch-wwebjs: ${LIBRARY} ${VERSION} carries all ${manifest.patches.length} patches`);
    return;
  }

  const pristine = ensurePristine(libDir, pristineDir, PATCHES);
  const planned = planPatches(libDir, PATCHES); // throws before anything is written
  for (const [file, text] of planned) writeFileSync(path.join(libDir, file), text);
  const missing = missingMarkers(libDir, manifest);
  if (missing.length > 0) throw new PatchError(`after patching, markers are still missing: ${missing.join('; ')}`);
  console.log(
    `patch-wwebjs: ${LIBRARY} ${VERSION}: ${planned.size === 0 ? 'already patched' : `patched ${[...planned.keys()].join(', ')}`}` +
      ` (${PATCHES.map((p) => p.id).join(', ')}); pristine copy ${pristine} in ${manifest.pristineCopy}`,
  );
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`\n${'!'.repeat(78)}\npatch-wwebjs FAILED: ${message}\n${'!'.repeat(78)}\n`);
    process.exit(1);
  }
}
