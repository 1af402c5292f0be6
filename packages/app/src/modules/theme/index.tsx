import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { ThemeBlueprint } from '@backstage/plugin-app-react';
import {
  createUnifiedTheme,
  genPageTheme,
  palettes,
  shapes,
  UnifiedThemeProvider,
} from '@backstage/theme';
import LightIcon from '@material-ui/icons/WbSunny';
import DarkIcon from '@material-ui/icons/Brightness2';

// KAML-D brand: deep teal for data, amber for models
const brand = { primary: '#0b6e75', secondary: '#f2a900', navigation: '#0f2b33' };

const pageTheme = {
  home: genPageTheme({ colors: ['#0b6e75', '#0f2b33'], shape: shapes.wave }),
  documentation: genPageTheme({ colors: ['#0b6e75', '#2a6f97'], shape: shapes.wave2 }),
  tool: genPageTheme({ colors: ['#0f2b33', '#0b6e75'], shape: shapes.round }),
  service: genPageTheme({ colors: ['#0b6e75', '#1b998b'], shape: shapes.wave }),
  website: genPageTheme({ colors: ['#0b6e75', '#1b998b'], shape: shapes.wave }),
  library: genPageTheme({ colors: ['#0b6e75', '#1b998b'], shape: shapes.wave }),
  other: genPageTheme({ colors: ['#0f2b33', '#0b6e75'], shape: shapes.wave }),
  app: genPageTheme({ colors: ['#0b6e75', '#1b998b'], shape: shapes.wave }),
  apis: genPageTheme({ colors: ['#2a6f97', '#0b6e75'], shape: shapes.wave2 }),
};

const kamlLight = createUnifiedTheme({
  palette: {
    ...palettes.light,
    primary: { main: brand.primary },
    secondary: { main: brand.secondary },
    navigation: { ...palettes.light.navigation, background: brand.navigation, indicator: brand.secondary },
  },
  defaultPageTheme: 'home',
  pageTheme,
});

const kamlDark = createUnifiedTheme({
  palette: {
    ...palettes.dark,
    primary: { main: '#4fb3bf' },
    secondary: { main: brand.secondary },
    navigation: { ...palettes.dark.navigation, indicator: brand.secondary },
  },
  defaultPageTheme: 'home',
  pageTheme,
});

const lightTheme = ThemeBlueprint.make({
  name: 'light',
  params: {
    theme: {
      id: 'light',
      title: 'KAML-D light',
      variant: 'light',
      icon: <LightIcon />,
      Provider: ({ children }) => <UnifiedThemeProvider theme={kamlLight} children={children} />,
    },
  },
});

const darkTheme = ThemeBlueprint.make({
  name: 'dark',
  params: {
    theme: {
      id: 'dark',
      title: 'KAML-D dark',
      variant: 'dark',
      icon: <DarkIcon />,
      Provider: ({ children }) => <UnifiedThemeProvider theme={kamlDark} children={children} />,
    },
  },
});

export const themeModule = createFrontendModule({
  pluginId: 'app',
  extensions: [lightTheme, darkTheme],
});
