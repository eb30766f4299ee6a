import "@mantine/core/styles.css";
import "@mantine/notifications/styles.css";
import { ApolloProvider } from "@apollo/client/react";
import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { StrictMode, Suspense } from "react";
import { createRoot } from "react-dom/client";
import { RouterProvider } from "react-router";
import { createMeridianClient } from "./app/apollo";
import { MeridianClientProvider } from "./app/auth";
import { initI18n } from "./app/i18n";
import { createAppRouter } from "./app/routes";
import { cssVariablesResolver, theme } from "./app/theme";
import { Loading } from "./ui/states";

async function start() {
  const client = createMeridianClient();
  // A reload keeps the sign-in: the stored refresh token buys a new access token before the first screen.
  await Promise.all([initI18n(), client.session.storedRefreshToken ? client.session.refresh().catch(() => null) : null]);
  const router = createAppRouter(client);
  createRoot(document.getElementById("root")!).render(
    <StrictMode>
      <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver}>
        <Notifications position="top-right" />
        <ApolloProvider client={client.apollo}>
          <MeridianClientProvider client={client}>
            <Suspense fallback={<Loading />}>
              <RouterProvider router={router} />
            </Suspense>
          </MeridianClientProvider>
        </ApolloProvider>
      </MantineProvider>
    </StrictMode>,
  );
}

void start();
