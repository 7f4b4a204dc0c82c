import { Menu, type MenuItemConstructorOptions } from 'electron';

/** The standard menus; playback shortcuts live in the renderer so both hosts share them. */
export function buildAppMenu(): Menu {
  const template: MenuItemConstructorOptions[] = [
    ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
    { role: 'fileMenu' },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}
