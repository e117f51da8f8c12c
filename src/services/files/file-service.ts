import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { badRequest, notFound } from '../../errors.js';
import { instanceMediaDir, isSafeFileName, mediaUrl } from '../../media/paths.js';
import type { Db } from '../../storage/db.js';
import * as repo from '../../storage/files-repo.js';
import type { FileKind, MessageRow } from '../../storage/schema.js';

export { FILE_KINDS, type FileKind } from '../../storage/schema.js';
import { canSee, instancesOf, type Principal } from '../access/principal.js';
import type { InstanceRegistry } from '../instances/instance-registry.js';

export interface FileView {
  /** The file's id: what /api/files/{id}/raw takes (`message:{messageId}` works there too). */
  id: string;
  instanceId: string;
  messageId: string;
  chatId: string;
  fromMe: boolean;
  kind: FileKind;
  /** The message's type: image, video, audio, ptt, document, sticker. */
  messageType: string;
  mimetype: string;
  filename: string;
  size: number | null;
  caption: string | null;
  /** Unix seconds of the message. */
  timestamp: number;
  /** Where the file is served without a token (PUBLIC_URL/media/...). */
  url: string;
  /** The same file through the API, with the token: `?download=1` to save it. */
  rawUrl: string;
}

export interface FileContent {
  stream: Readable;
  size: number;
  mimetype: string;
  filename: string;
}

function kindOf(mimetype: string | null): FileKind {
  const top = mimetype?.split('/')[0];
  return top === 'image' || top === 'video' || top === 'audio' ? top : 'document';
}

export interface FileServiceOptions {
  db: Db;
  registry: InstanceRegistry;
  mediaDir: string;
  publicUrl: string;
}

/** Every media file of every message, in and out, of the instances a principal sees. */
export class FileService {
  constructor(private readonly opts: FileServiceOptions) {}

  async list(
    viewer: Principal,
    filter: { kind?: FileKind | undefined; q?: string | undefined; instanceId?: string | undefined; limit: number },
  ): Promise<{ items: FileView[]; counts: Record<FileKind | 'all', number> }> {
    const instances = this.scope(viewer, filter.instanceId);
    const [rows, counts] = await Promise.all([repo.listFiles(this.opts.db, { instances, kind: filter.kind, q: filter.q }, filter.limit), repo.countFiles(this.opts.db, instances)]);
    const all = counts.image + counts.video + counts.audio + counts.document;
    return { items: rows.map((r) => this.view(r)), counts: { all, ...counts } };
  }

  /** The file `id` (a file id, or `message:{messageId}`), ready to stream; 404 when it is not there (on disk too). */
  async open(viewer: Principal, id: string, instanceId?: string): Promise<FileContent> {
    const { row, full, size } = await this.locate(viewer, id, instanceId);
    return { stream: createReadStream(full), size, mimetype: row.media_mimetype ?? 'application/octet-stream', filename: row.media_filename ?? row.media_file! };
  }

  /** The file `id` described (its size as on disk), without opening it; 404 when it is not there. */
  async describe(viewer: Principal, id: string, instanceId?: string): Promise<FileView> {
    const { row, size } = await this.locate(viewer, id, instanceId);
    return { ...this.view(row), size };
  }

  private async locate(viewer: Principal, id: string, instanceId: string | undefined): Promise<{ row: MessageRow; full: string; size: number }> {
    const instances = this.scope(viewer, instanceId);
    let row: MessageRow | undefined;
    if (id.startsWith('message:')) {
      const messageId = id.slice('message:'.length);
      if (!messageId) throw badRequest('id: message: needs a message id after it');
      row = await repo.fileByMessage(this.opts.db, instances, messageId);
    } else if (/^\d{1,15}$/.test(id)) {
      row = await repo.fileBySeq(this.opts.db, instances, Number(id));
    } else {
      throw badRequest(`id: "${id}" is neither a file id nor message:{messageId}`);
    }
    if (!row || !this.opts.registry.has(row.instance_id)) throw notFound(`file ${id} not found`);
    const file = row.media_file!;
    if (!isSafeFileName(file)) throw notFound(`file ${id} not found`);
    const full = path.join(instanceMediaDir(this.opts.mediaDir, row.instance_id), file);
    const info = await stat(full).catch(() => null);
    if (!info?.isFile()) throw notFound(`file ${id}: the media of message ${row.id} is no longer on disk`);
    return { row, full, size: info.size };
  }

  private view(r: MessageRow): FileView {
    const id = String(r.seq);
    return {
      id,
      instanceId: r.instance_id,
      messageId: r.id,
      chatId: r.chat_id,
      fromMe: r.from_me === 1,
      kind: kindOf(r.media_mimetype),
      messageType: r.type,
      mimetype: r.media_mimetype ?? 'application/octet-stream',
      filename: r.media_filename ?? r.media_file!,
      size: r.media_size,
      caption: r.caption,
      timestamp: r.timestamp,
      url: mediaUrl(this.opts.publicUrl, r.instance_id, r.media_file!),
      rawUrl: `/api/files/${id}/raw`,
    };
  }

  /** The instances asked about: one (404 outside the viewer's scope) or all it sees. */
  private scope(viewer: Principal, instanceId: string | undefined): readonly string[] | 'all' {
    if (instanceId === undefined) return instancesOf(viewer);
    if (!canSee(viewer, instanceId) || !this.opts.registry.has(instanceId)) throw notFound(`instanceId: instance ${instanceId} not found`);
    return [instanceId];
  }
}
