import { render } from 'preact';
import '../shared/base.css';
import './member.css';
import { problemDisplay } from '../shared/ui';
import { App } from './app';

problemDisplay.showCode = false;

render(<App />, document.getElementById('root')!);

// Installable and quick to reopen: the service worker keeps the app's files (never API data).
if ('serviceWorker' in navigator && location.protocol !== 'file:') {
  addEventListener('load', () => void navigator.serviceWorker.register(`${import.meta.env.BASE_URL}sw.js`, { scope: import.meta.env.BASE_URL }).catch(() => undefined));
}
