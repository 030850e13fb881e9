import { describe, expect, it } from "vitest";
import { errorField } from "./labelErrors";

describe("errorField", () => {
  it("maps the server's codes to fields", () => {
    expect(errorField("hotkey_taken", {})).toBe("hotkey");
    expect(errorField("bad_color", {})).toBe("color");
    expect(errorField("label_exists", {})).toBe("name");
    expect(errorField("value_exists", {})).toBe("value");
  });
  it("reads the field from a validation error's location", () => {
    const body = { errors: [{ loc: ["body", "name"], msg: "too long" }] };
    expect(errorField("validation_error", body)).toBe("name");
    expect(errorField("validation_error", { errors: [{ loc: ["body"] }] })).toBeNull();
  });
  it("leaves other errors to the whole form", () => {
    expect(errorField("forbidden", {})).toBeNull();
    expect(errorField(null, null)).toBeNull();
  });
});
