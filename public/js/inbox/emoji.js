// Emoji: a panel for the composer and a short menu of reactions. A plain list (no font or image is
// loaded: the system's emoji font draws them).
import { h } from '../dom.js';

export const REACTIONS = ['👍', '❤️', '😂', '😮', '😢', '🙏'];

const PANEL = [
  ['Smileys', '😀 😃 😄 😁 😆 😅 😂 🤣 😊 😇 🙂 😉 😍 🥰 😘 😋 😜 🤔 🤗 🤩 😎 😏 😐 😴 😮 😢 😭 😡 🥳 😬 🙄 🤝'],
  ['Gestures', '👍 👎 👌 ✌️ 🤞 👏 🙌 🙏 👋 💪 👀 ✋'],
  ['Things', '❤️ 🧡 💛 💚 💙 💜 🖤 💔 ✨ 🔥 🎉 🎁 ✅ ❌ ⚠️ ⏰ 📦 🚚 💰 📞 📍 📅 ☕ 🌹'],
];

/**
 * A popup next to `anchor`: closes on Escape, on a click outside, or once something is picked.
 * `items` are [label, value] pairs shown as buttons; `onPick(value)`.
 */
function popup(anchor, title, items, onPick, className) {
  const close = () => {
    box.remove();
    document.removeEventListener('pointerdown', outside, true);
    anchor.setAttribute('aria-expanded', 'false');
  };
  const outside = (e) => {
    if (!box.contains(e.target) && e.target !== anchor) close();
  };
  const box = h(
    'div',
    { class: `popup ${className}`, role: 'dialog', 'aria-label': title },
    items.map(([group, values]) => [
      group ? h('div', { class: 'popup-group', 'aria-hidden': 'true' }, group) : null,
      h(
        'div',
        { class: 'popup-items' },
        values.map(([label, value]) =>
          h('button', { type: 'button', class: 'emoji-button', 'aria-label': label, title: label, onclick: () => (close(), onPick(value)) }, value || '✕'),
        ),
      ),
    ]),
  );
  box.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      close();
      anchor.focus();
    }
  });
  anchor.after(box);
  anchor.setAttribute('aria-expanded', 'true');
  document.addEventListener('pointerdown', outside, true);
  box.querySelector('button')?.focus();
  return { close };
}

/** The composer's emoji panel: picks one emoji. */
export function emojiPanel(anchor, onPick) {
  const groups = PANEL.map(([name, list]) => [name, list.split(' ').map((e) => [e, e])]);
  return popup(anchor, 'Emoji', groups, onPick, 'emoji-panel');
}

/** The reaction menu of a message: `current` is this account's reaction ('' for none), which it can take back. */
export function reactionMenu(anchor, current, onPick) {
  const items = REACTIONS.map((e) => [`React with ${e}`, e]);
  if (current) items.push([`Take back your ${current}`, '']);
  return popup(anchor, 'React', [[null, items]], onPick, 'reaction-menu');
}
