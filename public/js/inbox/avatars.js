// Chat pictures: asked of WhatsApp (GET .../contacts/image) only for chats on screen, two at a
// time, once per chat while the page is open; a chat without one shows its initials.
import { api, inst, query } from '../api.js';
import { h } from '../dom.js';
import { hueOf, initials } from './format.js';

const known = new Map(); // `${instance} ${chat}` -> url | null | Promise
const waiting = [];
let running = 0;

function pump() {
  while (running < 2 && waiting.length) {
    const job = waiting.shift();
    running += 1;
    job().finally(() => {
      running -= 1;
      pump();
    });
  }
}

function pictureOf(instanceId, chatId) {
  const key = `${instanceId} ${chatId}`;
  if (known.has(key)) return Promise.resolve(known.get(key));
  const promise = new Promise((resolve) => {
    waiting.push(async () => {
      let url = null;
      try {
        url = (await api('GET', inst(instanceId, `/contacts/image${query({ chatId })}`)))?.url ?? null;
      } catch {
        url = null; // no picture is not worth an error on the page
      }
      known.set(key, url);
      resolve(url);
    });
    pump();
  });
  known.set(key, promise);
  return promise;
}

const observer =
  typeof IntersectionObserver === 'function'
    ? new IntersectionObserver((entries) => {
        for (const entry of entries) {
          if (!entry.isIntersecting) continue;
          observer.unobserve(entry.target);
          entry.target.load?.();
        }
      })
    : null;

/** An avatar for a chat: initials at once, the picture when WhatsApp has one. */
export function avatar(instanceId, chat, size = 'md') {
  const box = h('span', { class: `avatar-bubble avatar-${size} hue-${hueOf(chat.id)}`, 'aria-hidden': 'true' }, initials(chat.name));
  const show = (url) => {
    if (url) box.replaceChildren(h('img', { src: url, alt: '', loading: 'lazy', referrerpolicy: 'no-referrer' }));
  };
  const cached = known.get(`${instanceId} ${chat.id}`);
  if (typeof cached === 'string' || cached === null) {
    show(cached);
    return box;
  }
  box.load = () => pictureOf(instanceId, chat.id).then(show);
  if (observer) observer.observe(box);
  else box.load();
  return box;
}
