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
})();
