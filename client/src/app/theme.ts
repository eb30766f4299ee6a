import { createTheme, defaultVariantColorsResolver, parseThemeColor, type CSSVariablesResolver, type VariantColorsResolver } from "@mantine/core";

/**
 * Text on light, outline and subtle variants in the darkest shade, filled variants from shade 8:
 * Mantine's defaults (shade 6) fall under WCAG AA contrast for text on white.
 */
const variantColorResolver: VariantColorsResolver = (input) => {
  const colors = defaultVariantColorsResolver(input);
  if (input.variant !== "light" && input.variant !== "outline" && input.variant !== "subtle") return colors;
  const parsed = parseThemeColor({ color: input.color || input.theme.primaryColor, theme: input.theme });
  if (!parsed.isThemeColor || parsed.shade !== undefined) return colors;
  const strong = `var(--mantine-color-${parsed.color}-9)`;
  return { ...colors, color: strong, border: input.variant === "outline" ? `1px solid ${strong}` : colors.border };
};

/** One calm, high-contrast theme: a clinical back office, readable for long sessions. */
export const theme = createTheme({
  primaryColor: "meridian",
  colors: {
    meridian: ["#e6f2f8", "#cfe2ee", "#9dc3dd", "#68a3cc", "#3f88be", "#2777b5", "#1a6aa6", "#0f5a91", "#055083", "#004574"],
  },
  primaryShade: 8,
  variantColorResolver,
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
