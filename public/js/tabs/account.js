// Account: the linked account's own profile (name, about, picture: read and changed) and its
// privacy settings, as WhatsApp reports them.
import { api, ApiError, inst } from '../api.js';
import { act, field, fill, h, showNotice } from '../dom.js';

const PRIVACY = [
  ['lastSeen', 'Last seen'],
  ['online', 'Online'],
  ['profile', 'Profile picture'],
  ['about', 'About'],
  ['readReceipts', 'Read receipts'],
  ['groupAdd', 'Who can add to groups'],
];

export function accountTab(ctx) {
  const { id } = ctx;
  const profileBox = h('div', { id: 'profile' }, h('p', { class: 'muted' }, 'Loading…'));
  const privacyBox = h('div', { id: 'privacy' }, h('p', { class: 'muted' }, 'Loading…'));

  const name = h('input', { name: 'name', autocomplete: 'off', required: true, maxlength: '25' });
  const about = h('input', { name: 'about', autocomplete: 'off', maxlength: '139' });
  const picture = h('input', { type: 'url', name: 'picture', autocomplete: 'off', placeholder: 'https://example.com/me.jpg' });
  let current = null;

  const form = h(
    'form',
    { 'aria-label': 'Change the profile' },
    h('h3', null, 'Change the profile'),
    field('Name', name, 'The name others see (at most 25 characters).'),
    field('About', about),
    h('button', { type: 'submit', class: 'primary' }, 'Save profile'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const saved = await act(form, async () => {
      if (name.value.trim() !== current?.name) await api('POST', inst(id, '/profile/name'), { name: name.value.trim() });
      if (about.value !== (current?.about ?? '')) await api('POST', inst(id, '/profile/about'), { about: about.value });
      return true;
    }, 'Save profile');
    if (saved) {
      showNotice('Profile saved.');
      ctx.refresh();
      load();
    }
  });

  const pictureForm = h(
    'form',
    { class: 'inline-form', 'aria-label': 'Profile picture' },
    field('Picture URL', picture, 'An image: an http(s) URL, or a URL from the media library.'),
    h('button', { type: 'submit' }, 'Set picture'),
    h('button', { type: 'button', class: 'danger', onclick: (e) => setPicture(e.currentTarget, null) }, 'Remove picture'),
  );
  pictureForm.addEventListener('submit', (e) => {
    e.preventDefault();
    setPicture(pictureForm, picture.value.trim());
  });

  async function setPicture(control, value) {
    if (await act(control, () => api('POST', inst(id, '/profile/picture'), { picture: value }), 'Profile picture')) {
      showNotice(value === null ? 'Picture removed.' : 'Picture set.');
      picture.value = '';
      load();
    }
  }

  const notOpen = (err) => (err instanceof ApiError && err.status === 409 ? 'Connect the instance to see its account.' : null);

  async function load() {
    try {
      current = await api('GET', inst(id, '/profile'));
      name.value = current.name;
      about.value = current.about ?? '';
      fill(
        profileBox,
        current.picture ? h('img', { class: 'avatar', src: current.picture, alt: `Profile picture of ${current.name}`, width: '96', height: '96' }) : null,
        h(
          'dl',
          { class: 'facts' },
          h('dt', null, 'Name'),
          h('dd', null, current.name || '—'),
          h('dt', null, 'About'),
          h('dd', null, current.about || '—'),
          h('dt', null, 'Picture'),
          h('dd', null, current.picture ? 'set' : 'none'),
          h('dt', null, 'WhatsApp id'),
          h('dd', null, h('code', null, current.id)),
        ),
      );
    } catch (err) {
      fill(profileBox, h('p', { class: notOpen(err) ? 'muted' : 'form-error' }, notOpen(err) ?? err.message));
    }
    try {
      const privacy = await api('GET', inst(id, '/profile/privacy'));
      fill(privacyBox, h('dl', { class: 'facts' }, PRIVACY.map(([key, label]) => [h('dt', null, label), h('dd', null, privacy[key] ?? '—')])));
    } catch (err) {
      const unsupported = err instanceof ApiError && err.status === 501;
      fill(privacyBox, h('p', { class: unsupported || notOpen(err) ? 'muted' : 'form-error' }, notOpen(err) ?? err.message));
    }
  }

  const unsubscribe = ctx.onChange(() => {
    if (ctx.status?.status === 'open' && !current) load();
  });
  load();
  const el = h(
    'div',
    { class: 'grid' },
    h('div', { class: 'card' }, h('h2', { id: 'panel-title', tabindex: '-1' }, 'Profile'), profileBox, form, h('h3', null, 'Picture'), pictureForm),
    h('div', { class: 'card' }, h('h2', null, 'Privacy'), h('p', { class: 'muted' }, 'As WhatsApp reports them; they are changed on the phone.'), privacyBox),
  );
  return { el, stop: unsubscribe };
}
