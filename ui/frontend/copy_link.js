// The Playground's "Copy link" button (ui.playground_link.share_ui). The page's URL is the
// link: the server keeps its query string in line with the setup. The click copies it to
// the clipboard and also shows it in a field, selected, for where the clipboard is refused
// (plain http off localhost has no navigator.clipboard).

// Copies `text`: the Clipboard API, else the selected field with execCommand. Resolves to
// whether either worked.
export async function copyText(text, field, nav, doc) {
  try {
    if (nav && nav.clipboard && nav.clipboard.writeText) {
      await nav.clipboard.writeText(text);
      return true;
    }
  } catch {
    // refused (no permission, no focus): try the field below
  }
  field.select();
  try {
    return !!(doc && doc.execCommand && doc.execCommand('copy'));
  } catch {
    return false;
  }
}

function build(parent) {
  const root = document.createElement('div');
  root.className = 'gl-copy-link';
  root.innerHTML = '<button type="button" class="gl-copy-button"></button>' +
    '<span class="gl-copy-status" role="status"></span>' +
    '<input class="gl-copy-field" type="text" readonly hidden>';
  parent.appendChild(root);
  return root;
}

export default function (component) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector('div.gl-copy-link') || build(parentElement);
  const button = root.querySelector('button'), field = root.querySelector('input');
  const status = root.querySelector('.gl-copy-status');
  button.textContent = data.label;
  button.title = data.help || '';
  button.onclick = async () => {
    const url = window.location.href;
    field.value = url;
    field.hidden = false;
    const ok = await copyText(url, field, navigator, document);
    field.select();
    root.dataset.copied = ok ? '1' : '0';
    status.textContent = ok ? data.copied : data.failed;
  };
}
