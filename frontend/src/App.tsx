// Every screen of the app and its URL. Heavy screens load on first visit, each its own chunk.
import { lazy, Suspense, type ReactNode } from "react";
import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";
import { AuthProvider } from "./auth/AuthContext";
import { RequireLogin } from "./auth/RequireLogin";
import { Layout } from "./components/Layout";
import { Loading } from "./components/ui";
import { LoginPage } from "./pages/LoginPage";
import { ProjectsPage } from "./pages/ProjectsPage";

const AnnotatePage = lazy(() =>
  import("./annotate/AnnotatePage").then((m) => ({ default: m.AnnotatePage })),
);
const QuickPage = lazy(() => import("./quick/QuickPage").then((m) => ({ default: m.QuickPage })));
const ProjectManagePage = lazy(() =>
  import("./admin/ProjectManagePage").then((m) => ({ default: m.ProjectManagePage })),
);
const UsersPage = lazy(() => import("./admin/UsersPage").then((m) => ({ default: m.UsersPage })));
const AccountPage = lazy(() =>
  import("./pages/AccountPage").then((m) => ({ default: m.AccountPage })),
);
const ReviewQueuePage = lazy(() =>
  import("./review/ReviewQueuePage").then((m) => ({ default: m.ReviewQueuePage })),
);
const AnalyticsPage = lazy(() =>
  import("./analytics/AnalyticsPage").then((m) => ({ default: m.AnalyticsPage })),
);
const DatasetMapPage = lazy(() =>
  import("./map/DatasetMapPage").then((m) => ({ default: m.DatasetMapPage })),
);
const FeatureExplorerPage = lazy(() =>
  import("./explore/FeatureExplorerPage").then((m) => ({ default: m.FeatureExplorerPage })),
);
const TemplatesPage = lazy(() =>
  import("./templates/TemplatesPage").then((m) => ({ default: m.TemplatesPage })),
);
const DataListPage = lazy(() =>
  import("./pages/DataListPage").then((m) => ({ default: m.DataListPage })),
);

/** A screen whose code is still loading: the frame around it stays, a notice fills it. */
function Screen({ children }: { children: ReactNode }) {
  return <Suspense fallback={<Loading />}>{children}</Suspense>;
}

export function App() {
  return (
    <AuthProvider>
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route element={<RequireLogin />}>
            <Route
              path="/datapoints/:datapointId"
              element={<Screen><AnnotatePage /></Screen>}
            />
            <Route element={<Layout />}>
              <Route index element={<ProjectsPage />} />
              <Route path="/account" element={<Screen><AccountPage /></Screen>} />
              <Route
                path="/datapoints/:datapointId/features"
                element={<Screen><FeatureExplorerPage /></Screen>}
              />
              <Route path="/projects/:projectId" element={<Screen><DataListPage /></Screen>} />
              <Route path="/projects/:projectId/quick" element={<Screen><QuickPage /></Screen>} />
              <Route path="/projects/:projectId/review" element={<Screen><ReviewQueuePage /></Screen>} />
              <Route path="/projects/:projectId/analytics" element={<Screen><AnalyticsPage /></Screen>} />
              <Route path="/projects/:projectId/map" element={<Screen><DatasetMapPage /></Screen>} />
              <Route
                path="/projects/:projectId/manage/*"
                element={<Screen><ProjectManagePage /></Screen>}
              />
              <Route path="/templates" element={<Screen><TemplatesPage /></Screen>} />
              <Route path="/admin/users" element={<Screen><UsersPage /></Screen>} />
              <Route path="*" element={<Navigate to="/" replace />} />
            </Route>
          </Route>
        </Routes>
      </BrowserRouter>
    </AuthProvider>
  );
}
