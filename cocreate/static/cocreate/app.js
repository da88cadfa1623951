/* cocreate — small progressive enhancements. No dependencies.
 * Loaded with `defer` after htmx.min.js. Works with CSP `script-src 'self'`:
 * no inline handlers, no eval. Every handler is delegated on `document`,
 * so content swapped in by htmx is covered too. */
(function () {
  'use strict';

  // htmx normally injects a <style> for .htmx-indicator, which CSP
  // `style-src 'self'` blocks; site.css styles the indicator instead.
  // (This runs before DOMContentLoaded, when htmx reads its config.)
  if (window.htmx && window.htmx.config) {
    window.htmx.config.includeIndicatorStyles = false;
  }

  /* (a) CSRF: send Django's token with every htmx request. */
  document.addEventListener('htmx:configRequest', function (event) {
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && meta.content && event.detail && event.detail.headers) {
      event.detail.headers['X-CSRFToken'] = meta.content;
    }
  });

  /* Polite live region so screen readers hear "copied". */
  let liveRegion = null;
  function announce(text) {
    if (!liveRegion) {
      liveRegion = document.createElement('div');
      liveRegion.className = 'sr-only';
      liveRegion.setAttribute('role', 'status');
      liveRegion.setAttribute('aria-live', 'polite');
      document.body.appendChild(liveRegion);
    }
    liveRegion.textContent = '';
    window.setTimeout(function () { liveRegion.textContent = text; }, 50);
  }

  /* (b) Copy to clipboard: <button data-copy="#id" data-copied="Copied!"> */
  function textOf(el) {
    if ('value' in el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA')) {
      return el.value;
    }
    return (el.textContent || '').trim();
  }

  function legacyCopy(text) {
    const ta = document.createElement('textarea');
    ta.value = text;
    ta.setAttribute('readonly', '');
    ta.style.position = 'fixed';
    ta.style.top = '-1000px';
    ta.style.opacity = '0';
    document.body.appendChild(ta);
    ta.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    document.body.removeChild(ta);
    return ok ? Promise.resolve() : Promise.reject(new Error('copy failed'));
  }

  function copyText(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () {
        return legacyCopy(text);
      });
    }
    return legacyCopy(text);
  }

  function selectContents(el) {
    if (typeof el.select === 'function') { el.select(); return; }
    const range = document.createRange();
    range.selectNodeContents(el);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  }

  document.addEventListener('click', function (event) {
    const button = event.target.closest('button[data-copy]');
    if (!button) return;
    event.preventDefault();
    let target = null;
    try { target = document.querySelector(button.getAttribute('data-copy')); } catch (e) { target = null; }
    if (!target) return;

    copyText(textOf(target)).then(function () {
      const label = button.getAttribute('data-copied') || '\u2713';
      if (!button._copySaved) {
        button._copySaved = Array.from(button.childNodes);
      }
      window.clearTimeout(button._copyTimer);
      button.textContent = label;
      announce(label);
      button._copyTimer = window.setTimeout(function () {
        button.replaceChildren.apply(button, button._copySaved);
        button._copySaved = null;
      }, 2000);
    }, function () {
      // Clipboard unavailable: select the text so the user can copy it by hand.
      selectContents(target);
    });
  });

  /* (c) Confirm before submitting: <form data-confirm="Are you sure?">
   * Capture phase, so a refusal also stops htmx (hx-post) and hx-boost. */
  document.addEventListener('submit', function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    const submitter = event.submitter;
    const message = (submitter && submitter.getAttribute('data-confirm')) ||
      form.getAttribute('data-confirm');
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  /* (d) Mobile nav toggle:
   * <button class="nav-toggle" aria-controls="main-nav" aria-expanded="false"> */
  function setNav(toggle, open) {
    const nav = document.getElementById(toggle.getAttribute('aria-controls') || 'main-nav');
    if (!nav) return;
    nav.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  }

  document.addEventListener('click', function (event) {
    const toggle = event.target.closest('.nav-toggle');
    if (!toggle) return;
    setNav(toggle, toggle.getAttribute('aria-expanded') !== 'true');
  });

  // Escape closes the open menu and returns focus to its toggle.
  document.addEventListener('keydown', function (event) {
    if (event.key !== 'Escape') return;
    const toggle = document.querySelector('.nav-toggle[aria-expanded="true"]');
    if (!toggle) return;
    setNav(toggle, false);
    toggle.focus();
  });
  /* (d) @mention autocomplete: <textarea data-mentions="/api/v1/communities/x/members">.
   * Typing "@li" asks the community's member search and offers a listbox
   * (arrows, Enter or Tab to choose, Escape to close); choosing inserts
   * "@handle ". Names are set with textContent, never as HTML. Without
   * JavaScript, typing @handle by hand works the same. */
  const MENTION_BEFORE_CARET = /(^|[^A-Za-z0-9_@\/.+-])@([A-Za-z0-9_]{1,30})$/;
  let mention = null; // {textarea, menu, start, items, active, timer, query}

  function closeMentions() {
    if (!mention) return;
    window.clearTimeout(mention.timer);
    mention.menu.remove();
    mention.textarea.setAttribute('aria-expanded', 'false');
    mention.textarea.removeAttribute('aria-activedescendant');
    mention = null;
  }

  function highlight(index) {
    if (!mention || !mention.items.length) return;
    mention.active = (index + mention.items.length) % mention.items.length;
    Array.prototype.forEach.call(mention.menu.children, function (li, i) {
      li.setAttribute('aria-selected', i === mention.active ? 'true' : 'false');
    });
    mention.textarea.setAttribute('aria-activedescendant', mention.menu.children[mention.active].id);
  }

  function chooseMention(index) {
    if (!mention || !mention.items[index]) return;
    const ta = mention.textarea;
    const handle = mention.items[index].handle;
    const caret = ta.selectionStart;
    ta.value = ta.value.slice(0, mention.start) + '@' + handle + ' ' + ta.value.slice(caret);
    const at = mention.start + handle.length + 2;
    ta.setSelectionRange(at, at);
    closeMentions();
    ta.focus();
  }

  function showMentions(textarea, start, people) {
    if (!mention || mention.textarea !== textarea) return;
    mention.items = people;
    mention.start = start;
    mention.menu.textContent = '';
    if (!people.length) { mention.menu.hidden = true; return; }
    people.forEach(function (person, i) {
      const li = document.createElement('li');
      li.id = mention.menu.id + '-' + i;
      li.setAttribute('role', 'option');
      li.dataset.index = String(i);
      const name = document.createElement('span');
      name.textContent = person.display_name;
      const handle = document.createElement('span');
      handle.className = 'muted';
      handle.textContent = ' @' + person.handle;
      li.appendChild(name);
      li.appendChild(handle);
      mention.menu.appendChild(li);
    });
    mention.menu.hidden = false;
    textarea.setAttribute('aria-expanded', 'true');
    highlight(0);
  }

  document.addEventListener('input', function (event) {
    const ta = event.target;
    if (!(ta instanceof HTMLTextAreaElement) || !ta.dataset.mentions) return;
    const before = ta.value.slice(0, ta.selectionStart);
    const found = MENTION_BEFORE_CARET.exec(before);
    if (!found) { closeMentions(); return; }
    const query = found[2];
    const start = before.length - query.length - 1;
    if (!mention || mention.textarea !== ta) {
      closeMentions();
      const menu = document.createElement('ul');
      menu.className = 'mention-menu';
      menu.id = 'mentions-' + (ta.id || 'box');
      menu.setAttribute('role', 'listbox');
      menu.hidden = true;
      ta.insertAdjacentElement('afterend', menu);
      ta.setAttribute('role', 'combobox');
      ta.setAttribute('aria-autocomplete', 'list');
      ta.setAttribute('aria-controls', menu.id);
      mention = { textarea: ta, menu: menu, start: start, items: [], active: 0, timer: 0 };
    }
    window.clearTimeout(mention.timer);
    mention.timer = window.setTimeout(function () {
      const url = ta.dataset.mentions + '?page_size=8&q=' + encodeURIComponent(query);
      fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : { items: [] }; })
        .then(function (data) {
          showMentions(ta, start, (data.items || []).map(function (m) { return m.user; }));
        })
        .catch(function () { closeMentions(); });
    }, 150);
  });

  document.addEventListener('keydown', function (event) {
    if (!mention || event.target !== mention.textarea || mention.menu.hidden) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      highlight(mention.active + (event.key === 'ArrowDown' ? 1 : -1));
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      chooseMention(mention.active);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      event.stopPropagation();
      closeMentions();
    }
  }, true);

  document.addEventListener('mousedown', function (event) {
    const option = event.target.closest && event.target.closest('.mention-menu [role=option]');
    if (option) {
      event.preventDefault(); // keep the focus (and caret) in the textarea
      chooseMention(Number(option.dataset.index));
    } else if (mention && event.target !== mention.textarea) {
      closeMentions();
    }
  });
  /* (k) Conversations: keys a / d / p vote agree / disagree / pass on the card
   * shown (the buttons carry data-key). Ignored while typing in a field or
   * with a modifier held, so shortcuts never eat text. */
  document.addEventListener('keydown', function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.repeat) return;
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) {
      return;
    }
    const form = document.querySelector('form[data-vote-keys]');
    if (!form) return;
    const button = form.querySelector('button[data-key="' + event.key.toLowerCase() + '"]');
    if (!button || button.disabled) return;
    event.preventDefault();
    // A card swapped in a moment ago may not be wired to htmx yet: wire it now,
    // so a fast key press still votes in place instead of reloading the page.
    if (window.htmx) window.htmx.process(form);
    button.click();
  });

  /* While a vote is on its way, its buttons wait (no double votes). */
  document.addEventListener('htmx:beforeRequest', function (event) {
    const form = event.target && event.target.closest && event.target.closest('form[data-vote-keys]');
    if (form) form.querySelectorAll('button').forEach(function (b) { b.disabled = true; });
  });
})();
