// Entry point: the theme before the first paint, then the app with the client of this origin.
import { render } from 'preact';
import { createApiClient } from './api.ts';
import { App, initialTheme } from './app.tsx';
import './styles.css';

document.documentElement.dataset.theme = initialTheme();
const root = document.getElementById('app');
if (root) render(<App api={createApiClient((url, init) => fetch(url, init))} />, root);
