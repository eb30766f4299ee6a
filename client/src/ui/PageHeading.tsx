import { Title } from "@mantine/core";
import { useEffect, useRef, type ReactNode } from "react";
import { useLocation } from "react-router";

/**
 * The page's h1. After every navigation focus moves here, so a screen reader announces the new
 * page and the keyboard continues from its top; the document title follows.
 */
export function PageHeading({ children, title }: { children: ReactNode; title: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  const location = useLocation();
  const keepFocus = (location.state as { keepFocus?: boolean } | null)?.keepFocus === true;
  useEffect(() => {
    if (!keepFocus) ref.current?.focus();
  }, [location.key, keepFocus]);
  useEffect(() => {
    document.title = `${title} · Meridian`;
  }, [title]);
  return (
    <Title order={1} size="h2" ref={ref} tabIndex={-1} style={{ outline: "none" }} mb="md">
      {children}
    </Title>
  );
}
