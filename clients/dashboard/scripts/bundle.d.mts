/** The path of the committed asset the SignalRChannels assembly embeds. */
export declare const assetPath: string;
/** The bundle as text, built in memory. */
export declare function bundleDashboard(): Promise<string>;
