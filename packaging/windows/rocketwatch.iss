; Inno Setup 6 script for RocketWatch: the PyInstaller folder, a Start menu entry and an optional start at login.
; Built by `packaging/build.py windows`, which passes AppVersion, SourceDir, OutputDir and IconFile.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\rocketwatch"
#endif
#ifndef OutputDir
  #define OutputDir "..\..\dist"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\rocketwatch.ico"
#endif

; The value rocketwatch/autostart.py reads and writes: the app's "Start at login" setting and this task agree.
#define RunKey "Software\Microsoft\Windows\CurrentVersion\Run"
#define RunValue "RocketWatch"

[Setup]
AppId={{46DA440F-F9E4-4FCC-88D0-B72BD829E4D1}
AppName=RocketWatch
AppVersion={#AppVersion}
AppVerName=RocketWatch {#AppVersion}
AppPublisher=RocketWatch developers
DefaultDirName={autopf}\RocketWatch
DefaultGroupName=RocketWatch
DisableProgramGroupPage=yes
; Per-user by default (no UAC prompt); the user may choose an install for all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir={#OutputDir}
OutputBaseFilename=RocketWatch-{#AppVersion}-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\RocketWatch.exe
UninstallDisplayName=RocketWatch
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Close a running RocketWatch before files are replaced or removed.
CloseApplications=yes

[Tasks]
Name: "autostart"; Description: "Start RocketWatch when I log in"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\RocketWatch"; Filename: "{app}\RocketWatch.exe"; Comment: "Upcoming rocket launches, in your tray"

[Registry]
Root: HKCU; Subkey: "{#RunKey}"; ValueType: string; ValueName: "{#RunValue}"; \
  ValueData: """{app}\RocketWatch.exe"""; Tasks: autostart; Flags: uninsdeletevalue

[Run]
Filename: "{app}\RocketWatch.exe"; Description: "Start RocketWatch now"; Flags: nowait postinstall skipifsilent

[UninstallRun]
; Ask a running RocketWatch to quit cleanly (it finishes its database writes) before its files go.
Filename: "{app}\rocketwatch-cli.exe"; Parameters: "quit"; Flags: runhidden; RunOnceId: "QuitRocketWatch"

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  { "Start at login" may have been turned on in the app's settings rather than by the installer task. }
  if CurUninstallStep = usUninstall then
    RegDeleteValue(HKEY_CURRENT_USER, '{#RunKey}', '{#RunValue}');
end;
