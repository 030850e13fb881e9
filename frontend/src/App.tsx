// Every screen of the app and its URL.
import { BrowserRouter, Navigate, Route, Routes } from "react-router-dom";
import { ProjectManagePage } from "./admin/ProjectManagePage";
import { UsersPage } from "./admin/UsersPage";
import { AnnotatePage } from "./annotate/AnnotatePage";
import { AuthProvider } from "./auth/AuthContext";
import { RequireLogin } from "./auth/RequireLogin";
import { Layout } from "./components/Layout";
import { AccountPage } from "./pages/AccountPage";
import { DataListPage } from "./pages/DataListPage";
import { LoginPage } from "./pages/LoginPage";
import { ProjectsPage } from "./pages/ProjectsPage";

export function App() {
  return (
    <AuthProvider>
      <BrowserRouter>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route element={<RequireLogin />}>
            <Route path="/datapoints/:datapointId" element={<AnnotatePage />} />
            <Route element={<Layout />}>
              <Route index element={<ProjectsPage />} />
              <Route path="/account" element={<AccountPage />} />
              <Route path="/projects/:projectId" element={<DataListPage />} />
              <Route path="/projects/:projectId/manage/*" element={<ProjectManagePage />} />
              <Route path="/admin/users" element={<UsersPage />} />
              <Route path="*" element={<Navigate to="/" replace />} />
            </Route>
          </Route>
        </Routes>
      </BrowserRouter>
    </AuthProvider>
  );
}
