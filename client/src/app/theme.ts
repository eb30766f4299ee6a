import { createTheme, type CSSVariablesResolver } from "@mantine/core";

/** One calm, high-contrast theme: a clinical back office, readable for long sessions. */
export const theme = createTheme({
  primaryColor: "meridian",
  colors: {
    meridian: ["#e6f2f8", "#cfe2ee", "#9dc3dd", "#68a3cc", "#3f88be", "#2777b5", "#1a6aa6", "#0f5a91", "#055083", "#004574"],
  },
  primaryShade: 7,
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif',
  defaultRadius: "sm",
  headings: { fontWeight: "650" },
  focusRing: "always",
});

/** Mantine's "dimmed" grey fails WCAG AA contrast on white (3.3:1): a darker one (6.9:1). */
export const cssVariablesResolver: CSSVariablesResolver = () => ({
  variables: {},
  light: { "--mantine-color-dimmed": "#545b62", "--mantine-color-placeholder": "#6c757d" },
  dark: {},
});
